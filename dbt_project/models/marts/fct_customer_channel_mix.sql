with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
),

per_channel as (
    select
        customer_id,
        coalesce(channel, 'unknown') as channel,
        count(*) as order_count,
        sum(order_amount_usd) as revenue_usd
    from orders
    group by 1, 2
),

final as (
    select
        customer_id,
        channel,
        order_count,
        cast(revenue_usd as decimal(18, 2)) as revenue_usd,
        order_count / sum(order_count) over (partition by customer_id) as order_share,
        row_number() over (partition by customer_id order by order_count desc, revenue_usd desc, channel) as channel_rank
    from per_channel
)

select * from final

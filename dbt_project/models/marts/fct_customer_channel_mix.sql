with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
),

channel_purchases as (
    select * from {{ ref('stg_crm__customer_channel_purchases') }}
),

per_channel_from_orders as (
    select
        customer_id,
        coalesce(channel, 'unknown') as channel,
        count(*) as order_count,
        sum(order_amount_usd) as revenue_usd
    from orders
    group by 1, 2
),

-- a customer table's purchases per channel, for customers without order lines (theirs win)
per_channel_from_table as (
    select
        customer_id,
        channel,
        sum(purchase_count) as order_count,
        cast(null as decimal(18, 2)) as revenue_usd
    from channel_purchases
    where customer_id not in (select customer_id from per_channel_from_orders)
    group by 1, 2
    having sum(purchase_count) > 0
),

per_channel as (
    select * from per_channel_from_orders
    union all
    select * from per_channel_from_table
),

final as (
    select
        customer_id,
        channel,
        order_count,
        cast(revenue_usd as decimal(18, 2)) as revenue_usd,
        order_count / sum(order_count) over (partition by customer_id) as order_share,
        row_number() over (
            partition by customer_id order by order_count desc, revenue_usd desc nulls last, channel
        ) as channel_rank
    from per_channel
)

select * from final

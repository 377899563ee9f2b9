with

orders as (
    select * from {{ ref('int_orders_unioned') }}
),

final as (
    select
        order_id,
        customer_id,
        ordered_at,
        channel,
        line_count,
        cast(item_count as bigint) as item_count,
        cast(order_amount_usd as decimal(18, 2)) as order_amount_usd,
        is_approximated
    from orders
)

select * from final

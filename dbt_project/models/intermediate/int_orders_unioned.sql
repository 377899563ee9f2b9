-- Orders from order lines, and the approximated purchase occasions of customer-table customers
-- who have no order lines; `is_approximated` tells them apart.
with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
),

approximated as (
    select * from {{ ref('int_orders_approximated') }}
),

final as (
    select
        order_id, customer_id, ordered_at, channel, line_count, item_count, order_amount_usd,
        returned_amount_usd, false as is_approximated
    from orders
    union all
    select
        order_id, customer_id, ordered_at, channel, line_count, item_count, order_amount_usd,
        returned_amount_usd, true as is_approximated
    from approximated
)

select * from final

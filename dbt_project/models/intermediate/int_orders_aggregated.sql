-- Order lines rolled up to orders, keyed by customer and order id: an order id that two
-- customers' lines carry is two orders, each customer credited with their own lines (the
-- warn-severity test order_ids_belong_to_one_customer lists such ids).
-- Returns (negative lines) are not purchases: an order is its purchased lines, and an order id
-- that carries only returns is no order. The returned amount stays on the order it came with.
with

order_lines as (
    select * from {{ ref('stg_shop__purchases') }}
),

orders as (
    select
        order_id,
        customer_id,
        min(ordered_at) as ordered_at,
        min(channel) as channel,
        count(*) filter (where not is_return) as line_count,
        sum(quantity) filter (where not is_return) as item_count,
        sum(line_amount_usd) filter (where not is_return) as order_amount_usd,
        coalesce(-sum(line_amount_usd) filter (where is_return), 0) as returned_amount_usd
    from order_lines
    group by customer_id, order_id
    having count(*) filter (where not is_return) > 0
)

select * from orders

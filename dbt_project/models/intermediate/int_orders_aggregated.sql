-- Order lines rolled up to orders: an order's lines share customer, time and channel.
-- Returns (negative lines) are not purchases: an order is its purchased lines, and an order id
-- that carries only returns is no order. The returned amount stays on the order it came with.
with

order_lines as (
    select * from {{ ref('stg_shop__purchases') }}
),

orders as (
    select
        order_id,
        min(customer_id) as customer_id,
        min(ordered_at) as ordered_at,
        min(channel) as channel,
        count(*) filter (where not is_return) as line_count,
        sum(quantity) filter (where not is_return) as item_count,
        sum(line_amount_usd) filter (where not is_return) as order_amount_usd,
        coalesce(-sum(line_amount_usd) filter (where is_return), 0) as returned_amount_usd
    from order_lines
    group by order_id
    having count(*) filter (where not is_return) > 0
)

select * from orders

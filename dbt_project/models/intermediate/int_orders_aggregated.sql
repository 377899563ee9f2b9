-- Order lines rolled up to orders: an order's lines share customer, time and channel.
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
        count(*) as line_count,
        sum(quantity) as item_count,
        sum(line_amount_usd) as order_amount_usd
    from order_lines
    group by order_id
)

select * from orders

-- Order ids that lines of more than one customer carry. Such lines are kept apart, one order per
-- customer (int_orders_aggregated), so this warns rather than stops the refresh: it shows the
-- source system reusing ids, which someone should look at.
{{ config(severity='warn') }}

select
    order_id,
    count(distinct customer_id) as customers,
    count(*) as order_lines
from {{ ref('stg_shop__purchases') }}
group by order_id
having count(distinct customer_id) > 1

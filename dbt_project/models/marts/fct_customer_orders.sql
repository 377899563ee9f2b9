with

orders as (
    select * from {{ ref('int_orders_unioned') }}
),

as_of as (
    select * from {{ ref('int_as_of_date_resolved') }}
),

per_customer as (
    select
        customer_id,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        count(*) as order_count,
        count(distinct cast(ordered_at as date)) as purchase_day_count,
        cast(sum(item_count) as bigint) as item_count,
        sum(order_amount_usd) as revenue_usd,
        bool_or(is_approximated) as has_approximated_history
    from orders
    group by customer_id
),

final as (
    select
        per_customer.customer_id,
        per_customer.first_ordered_at,
        per_customer.last_ordered_at,
        per_customer.order_count,
        per_customer.purchase_day_count,
        per_customer.purchase_day_count - 1 as repeat_purchase_day_count,
        per_customer.item_count,
        cast(per_customer.revenue_usd as decimal(18, 2)) as revenue_usd,
        cast(per_customer.revenue_usd / per_customer.order_count as decimal(18, 2)) as avg_order_value_usd,
        {{ dbt.datediff('cast(per_customer.last_ordered_at as date)', 'as_of.as_of_date', 'day') }} as recency_days,
        {{ dbt.datediff('cast(per_customer.first_ordered_at as date)', 'as_of.as_of_date', 'day') }} as tenure_days,
        per_customer.has_approximated_history,
        as_of.as_of_date
    from per_customer
    cross join as_of
)

select * from final

-- Purchase occasions of customer-table customers without order lines, approximated from the
-- table's pre-aggregated history so RFM and the CLV models see them like order-line customers:
--   first purchase = first_purchase_at, else as-of minus tenure_days, else the sign-up, else the last purchase;
--   last purchase  = last_purchase_at, else as-of minus days_since_last_purchase, else the first purchase;
--   purchases      = purchase_count, else 2 when the last purchase is after the first, else 1 (0 without a date);
--   the purchases are spread evenly from the first to the last purchase day (whole days), each worth
--   total spend / purchases, so frequency = purchases - 1, recency = last - first, T = as-of - first and
--   the average spend = total spend / purchases (purchases falling on one day count as one, as for order lines).
-- Customers with order lines keep their order lines: the table's history is not added to them.
with

customer_table as (
    select * from {{ ref('int_customer_table_deduplicated') }}
),

order_buyers as (
    select distinct customer_id from {{ ref('int_orders_aggregated') }}
),

as_of as (
    select * from {{ ref('int_as_of_date_resolved') }}
),

dated as (
    select
        customer_table.customer_id,
        coalesce(
            cast(customer_table.first_purchase_at as date),
            cast({{ dbt.dateadd('day', '-customer_table.tenure_days', 'as_of.as_of_date') }} as date),
            cast(customer_table.signed_up_at as date),
            cast(customer_table.last_purchase_at as date),
            cast({{ dbt.dateadd('day', '-customer_table.days_since_last_purchase', 'as_of.as_of_date') }} as date)
        ) as first_purchase_day,
        coalesce(
            cast(customer_table.last_purchase_at as date),
            cast({{ dbt.dateadd('day', '-customer_table.days_since_last_purchase', 'as_of.as_of_date') }} as date)
        ) as stated_last_purchase_day,
        customer_table.purchase_count,
        customer_table.total_spend_usd
    from customer_table
    cross join as_of
    where customer_table.customer_id not in (select customer_id from order_buyers)
),

counted as (
    select
        customer_id,
        first_purchase_day,
        greatest(coalesce(stated_last_purchase_day, first_purchase_day), first_purchase_day) as last_purchase_day,
        coalesce(
            purchase_count,
            case
                when stated_last_purchase_day > first_purchase_day then 2
                when first_purchase_day is not null then 1
                else 0
            end
        ) as purchase_count,
        total_spend_usd
    from dated
    where first_purchase_day is not null
),

occasions as (
    select
        customer_id,
        first_purchase_day,
        last_purchase_day,
        purchase_count,
        total_spend_usd,
        unnest(range(purchase_count)) as occasion_index
    from counted
    where purchase_count > 0
),

final as (
    select
        'approximated:' || customer_id || ':' || cast(occasion_index + 1 as varchar) as order_id,
        customer_id,
        cast({{ dbt.dateadd(
            'day',
            'cast(round(occasion_index * ' ~ dbt.datediff('first_purchase_day', 'last_purchase_day', 'day')
                ~ ' / greatest(purchase_count - 1, 1)) as integer)',
            'first_purchase_day'
        ) }} as timestamp) as ordered_at,
        cast(null as varchar) as channel,
        cast(null as bigint) as line_count,
        cast(null as bigint) as item_count,
        total_spend_usd / purchase_count as order_amount_usd,
        cast(0 as decimal(18, 2)) as returned_amount_usd
    from occasions
)

select * from final

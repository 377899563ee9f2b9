-- The single date every customer feature is computed as of: the `as_of` var, else the day of the
-- latest purchase (an order line, or a customer table's last purchase date), else of the latest
-- sign-up or survey answer, else today (a customer table that counts days back from its export).
with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
),

customer_table as (
    select * from {{ ref('int_customer_table_deduplicated') }}
),

signups as (
    select * from {{ ref('stg_crm__signups') }}
),

answers as (
    select * from {{ ref('stg_surveys__answers') }}
),

final as (
    select
        coalesce(
            {{ as_of_date('orders', 'customer_table') }},
            (select cast(max(signed_up_at) as date) from signups),
            (select cast(max(submitted_at) as date) from answers),
            current_date
        ) as as_of_date
)

select * from final

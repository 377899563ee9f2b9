-- The single date every customer feature is computed as of.
with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
),

customer_table as (
    select * from {{ ref('int_customer_table_deduplicated') }}
),

final as (
    select {{ as_of_date('orders', 'customer_table') }} as as_of_date
)

select * from final

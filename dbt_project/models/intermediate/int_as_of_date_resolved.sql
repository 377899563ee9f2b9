-- The single date every customer feature is computed as of.
with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
),

final as (
    select {{ as_of_date('orders') }} as as_of_date
)

select * from final

-- The single date every customer feature is computed as of.
-- Without purchases (every feed is optional) the latest sign-up, then the latest survey answer, dates it.
with

orders as (
    select * from {{ ref('int_orders_aggregated') }}
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
            {{ as_of_date('orders') }},
            (select cast(max(signed_up_at) as date) from signups),
            (select cast(max(submitted_at) as date) from answers)
        ) as as_of_date
)

select * from final

with

signups as (
    select * from {{ ref('int_signups_deduplicated') }}
),

as_of as (
    select * from {{ ref('int_as_of_date_resolved') }}
),

final as (
    select
        signups.customer_id,
        signups.first_signed_up_at,
        signups.signed_up_at as profile_updated_at,
        signups.email,
        signups.birth_date,
        case
            when signups.birth_date is not null
                then cast(floor({{ dbt.datediff('signups.birth_date', 'as_of.as_of_date', 'day') }} / 365.25) as integer)
        end as age_years,
        signups.gender,
        signups.marital_status,
        signups.children_count,
        signups.income_usd,
        signups.education,
        signups.country,
        signups.region,
        signups.city,
        signups.urbanicity,
        signups.acquisition_channel,
        signups.opt_in_offer,
        signups.has_marketing_consent,
        signups.is_business_customer,
        signups.company_name,
        signups.industry,
        signups.employee_count
    from signups
    cross join as_of
)

select * from final

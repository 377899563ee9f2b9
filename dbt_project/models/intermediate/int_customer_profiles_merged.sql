-- One profile per customer: the latest sign-up record, else the customer table's row.
-- Sign-ups are dated records of what the customer told us; a customer-table row fills in for
-- customers who never signed up (a whole record, not field by field, so a profile stays one answer).
with

signups as (
    select * from {{ ref('int_signups_deduplicated') }}
),

customer_table as (
    select * from {{ ref('int_customer_table_deduplicated') }}
),

from_signups as (
    select
        customer_id, account_id, first_signed_up_at, signed_up_at, email, birth_date,
        cast(null as bigint) as stated_age_years, gender, marital_status, children_count, income_usd, education,
        country, region, city, urbanicity, acquisition_channel, opt_in_offer, has_marketing_consent,
        is_business_customer, company_name, industry, employee_count,
        'signups' as profile_source
    from signups
),

from_customer_table as (
    select
        customer_id, account_id, signed_up_at as first_signed_up_at, signed_up_at, email, birth_date,
        stated_age_years, gender, marital_status, children_count, income_usd, education,
        country, region, city, urbanicity, acquisition_channel, opt_in_offer, has_marketing_consent,
        is_business_customer, company_name, industry, employee_count,
        'customers' as profile_source
    from customer_table
    where customer_id not in (select customer_id from signups)
),

final as (
    select * from from_signups
    union all
    select * from from_customer_table
)

select * from final

-- One row per customer with a profile (see int_customer_profiles_merged) or an account; a business customer's firmographics
-- come from their account in the accounts feed, never from an order line. At the account grain the
-- customers are the accounts: a person's demographics (age, gender, family, income, education) say
-- nothing about a company and are left empty, and the latest contact's email and consent stand for it.
with

profiles as (
    select * from {{ ref('int_customer_profiles_merged') }}
),

links as (
    select * from {{ ref('int_customer_accounts_linked') }}
),

accounts as (
    select * from {{ ref('int_accounts_deduplicated') }}
),

as_of as (
    select * from {{ ref('int_as_of_date_resolved') }}
),

customer_ids as (
    select customer_id from profiles
    union
    select customer_id from links
    {%- if is_account_grain() %}
    union
    select account_id as customer_id from accounts
    {%- endif %}
),

linked as (
    select
        customer_ids.customer_id,
        {% if is_account_grain() -%}
            customer_ids.customer_id
        {%- else -%}
            links.account_id
        {%- endif %} as account_id
    from customer_ids
    left join links on customer_ids.customer_id = links.customer_id
),

final as (
    select
        linked.customer_id,
        profiles.first_signed_up_at,
        profiles.signed_up_at as profile_updated_at,
        profiles.email,
        {%- if is_account_grain() %}
        cast(null as date) as birth_date,
        cast(null as integer) as age_years,
        cast(null as varchar) as gender,
        cast(null as varchar) as marital_status,
        cast(null as bigint) as children_count,
        cast(null as decimal(18, 2)) as income_usd,
        cast(null as varchar) as education,
        {%- else %}
        profiles.birth_date,
        case
            when profiles.birth_date is not null
                then cast(floor({{ dbt.datediff('profiles.birth_date', 'as_of.as_of_date', 'day') }} / 365.25) as integer)
            else cast(profiles.stated_age_years as integer)
        end as age_years,
        profiles.gender,
        profiles.marital_status,
        profiles.children_count,
        profiles.income_usd,
        profiles.education,
        {%- endif %}
        {%- for place in ['country', 'region', 'city'] %}
        {%- if is_account_grain() %}
        coalesce(accounts.{{ place }}, profiles.{{ place }}) as {{ place }},
        {%- else %}
        coalesce(profiles.{{ place }}, accounts.{{ place }}) as {{ place }},
        {%- endif %}
        {%- endfor %}
        profiles.urbanicity,
        profiles.acquisition_channel,
        profiles.opt_in_offer,
        coalesce(profiles.has_marketing_consent, false) as has_marketing_consent,
        {{ 'true' if is_account_grain() else 'accounts.account_id is not null or coalesce(profiles.is_business_customer, false)' }}
            as is_business_customer,
        case when accounts.account_id is not null then accounts.account_name else profiles.company_name end
            as company_name,
        case when accounts.account_id is not null then accounts.industry else profiles.industry end as industry,
        case when accounts.account_id is not null then accounts.employee_count else profiles.employee_count end
            as employee_count,
        linked.account_id,
        accounts.annual_revenue_usd as account_annual_revenue_usd,
        accounts.parent_account_id,
        accounts.founded_year as account_founded_year
    from linked
    cross join as_of
    left join profiles on linked.customer_id = profiles.customer_id
    left join accounts on linked.account_id = accounts.account_id
)

select * from final

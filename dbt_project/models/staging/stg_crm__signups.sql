with

source as (
    select * from {{ source('raw', 'signups') }}
),

renamed as (
    select
        {{ customer_key('customer_id', 'account_id') }} as customer_id,
        customer_id as contact_id,
        account_id,
        signed_up_at,
        email,
        email_hmac,
        phone_hmac,
        birth_date,
        lower(gender) as gender,
        lower(marital_status) as marital_status,
        children as children_count,
        cast(income as decimal(18, 2)) as income_usd,
        lower(education) as education,
        country,
        region,
        city,
        lower(urbanicity) as urbanicity,
        lower(acquisition_channel) as acquisition_channel,
        lower(opt_in_offer) as opt_in_offer,
        coalesce(marketing_consent, false) as has_marketing_consent,
        company as company_name,
        industry,
        employee_count,
        company is not null as is_business_customer,
        _source_file,
        _source_row,
        _loaded_at
    from source
)

select * from renamed

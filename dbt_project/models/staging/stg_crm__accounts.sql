with

source as (
    select * from {{ source('raw', 'accounts') }}
),

renamed as (
    select
        account_id,
        account_name,
        industry,
        employee_count,
        cast(annual_revenue as decimal(18, 2)) as annual_revenue_usd,
        country,
        region,
        city,
        parent_account_id,
        founded_year,
        _source_file,
        _source_row
    from source
)

select * from renamed

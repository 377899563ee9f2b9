with

source as (
    select * from {{ source('raw', 'customer_category_spend') }}
),

renamed as (
    select
        customer_id,
        lower(category) as category,
        cast(spend as decimal(18, 2)) as spend_usd,
        _source_file,
        _source_row
    from source
)

select * from renamed

with

source as (
    select * from {{ source('raw', 'customer_channel_purchases') }}
),

renamed as (
    select
        customer_id,
        lower(channel) as channel,
        purchases as purchase_count,
        _source_file,
        _source_row
    from source
)

select * from renamed

with

source as (
    select * from {{ source('raw', 'purchases') }}
),

renamed as (
    select
        order_id,
        {{ customer_key('customer_id', 'account_id') }} as customer_id,
        customer_id as contact_id,
        account_id,
        product_id,
        lower(category) as category,
        lower(channel) as channel,
        quantity,
        quantity < 0 as is_return,
        cast(coalesce(unit_price, line_amount / quantity) as decimal(18, 4)) as unit_price_usd,
        cast(coalesce(line_amount, quantity * unit_price) as decimal(18, 2)) as line_amount_usd,
        upper(currency) as currency_code,
        lower(status) as order_status,
        ordered_at
    from source
)

select * from renamed

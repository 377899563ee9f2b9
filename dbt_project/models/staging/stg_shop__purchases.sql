with

source as (
    select * from {{ source('raw', 'purchases') }}
),

rates as (
    select * from {{ source('raw', 'currency_rates') }}
),

reporting as (
    select currency as reporting_currency from rates where is_reporting
),

-- each rate holds from its valid_from (null: always) until the currency's next rate
rate_periods as (
    select
        currency,
        rate,
        coalesce(valid_from, cast('0001-01-01' as date)) as valid_from,
        lead(valid_from) over (partition by currency order by valid_from nulls first) as valid_until
    from rates
),

lines as (
    select
        source.*,
        reporting.reporting_currency,
        -- a line without a currency is in the feed's configured currency (filled at ingestion), else in
        -- the reporting currency
        coalesce(upper(source.currency), reporting.reporting_currency) as currency_code
    from source
    cross join reporting
),

converted as (
    select
        lines.*,
        rate_periods.rate as rate_to_reporting
    from lines
    left join rate_periods
        on
            lines.currency_code = rate_periods.currency
            and cast(lines.ordered_at as date) >= rate_periods.valid_from
            and (rate_periods.valid_until is null or cast(lines.ordered_at as date) < rate_periods.valid_until)
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
        -- amounts in the reporting currency; the `_usd` names stay until the project-wide rename
        cast(coalesce(unit_price, line_amount / quantity) * rate_to_reporting as decimal(18, 4)) as unit_price_usd,
        cast(coalesce(line_amount, quantity * unit_price) * rate_to_reporting as decimal(18, 2)) as line_amount_usd,
        -- the price before any discount, where the feed carries one (optional `list_price`)
        cast(list_price * rate_to_reporting as decimal(18, 4)) as list_price_usd,
        currency_code,
        reporting_currency,
        rate_to_reporting,
        lower(status) as order_status,
        ordered_at
    from converted
)

select * from renamed

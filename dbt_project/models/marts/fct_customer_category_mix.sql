with

order_lines as (
    select * from {{ ref('stg_shop__purchases') }}
),

category_spend as (
    select * from {{ ref('stg_crm__customer_category_spend') }}
),

per_category_from_lines as (
    select
        customer_id,
        coalesce(category, 'unknown') as category,
        count(*) as order_line_count,
        sum(line_amount_usd) as revenue_usd
    from order_lines
    where not is_return
    group by 1, 2
),

-- a customer table's spend per category, for customers without order lines (theirs win)
per_category_from_table as (
    select
        customer_id,
        category,
        cast(null as bigint) as order_line_count,
        sum(spend_usd) as revenue_usd
    from category_spend
    where customer_id not in (select customer_id from per_category_from_lines)
    group by 1, 2
    having sum(spend_usd) > 0
),

per_category as (
    select * from per_category_from_lines
    union all
    select * from per_category_from_table
),

final as (
    select
        customer_id,
        category,
        order_line_count,
        cast(revenue_usd as decimal(18, 2)) as revenue_usd,
        revenue_usd / nullif(sum(revenue_usd) over (partition by customer_id), 0) as revenue_share,
        row_number() over (partition by customer_id order by revenue_usd desc, category) as category_rank
    from per_category
)

select * from final

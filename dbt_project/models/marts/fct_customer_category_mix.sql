with

order_lines as (
    select * from {{ ref('stg_shop__purchases') }}
),

per_category as (
    select
        customer_id,
        coalesce(category, 'unknown') as category,
        count(*) as order_line_count,
        sum(line_amount_usd) as revenue_usd
    from order_lines
    where not is_return
    group by 1, 2
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

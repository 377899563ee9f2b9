-- The latest customer-table row per customer wins (later file, then later line).
with

customer_table as (
    select * from {{ ref('stg_crm__customers') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by _source_file desc, _source_row desc
        ) as recency_rank
    from customer_table
),

latest as (
    select * exclude (recency_rank, _source_file, _source_row)
    from ranked
    where recency_rank = 1
)

select * from latest

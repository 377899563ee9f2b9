-- The latest accounts row per account wins (later file, then later line).
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id
            order by _source_file desc, _source_row desc
        ) as recency_rank
    from accounts
),

latest as (
    select * exclude (recency_rank, _source_file, _source_row)
    from ranked
    where recency_rank = 1
)

select * from latest

-- The latest sign-up record per customer wins; ties go to the later line of the later file.
with

signups as (
    select * from {{ ref('stg_crm__signups') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by signed_up_at desc, _source_file desc, _source_row desc
        ) as recency_rank,
        min(signed_up_at) over (partition by customer_id) as first_signed_up_at
    from signups
),

latest as (
    select * exclude (recency_rank, _source_file, _source_row)
    from ranked
    where recency_rank = 1
)

select * from latest

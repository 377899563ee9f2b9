-- The latest sign-up record per customer wins: by the record's own time, then by the load that
-- read it (a file loaded by a later refresh is newer), never by file name. Records of one load
-- with the same time count as simultaneous: a consent withdrawal wins over a grant, so a
-- withdrawal is never lost; otherwise the later line.
with

signups as (
    select * from {{ ref('stg_crm__signups') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by signed_up_at desc, _loaded_at desc, has_marketing_consent asc, _source_row desc
        ) as recency_rank,
        min(signed_up_at) over (partition by customer_id) as first_signed_up_at
    from signups
),

latest as (
    select * exclude (recency_rank, _source_file, _source_row, _loaded_at)
    from ranked
    where recency_rank = 1
)

select * from latest

-- The latest sign-up record per customer wins: by the record's own time, then by when its file
-- was loaded (the refresh that read it), then by when the file was written, never by file name.
-- On a full tie a consent withdrawal wins over a grant, so a withdrawal is never lost.
with

signups as (
    select * from {{ ref('stg_crm__signups') }}
),

load_order as (
    select
        source_file as _source_file,
        loaded_at as file_loaded_at,
        modified_at as file_modified_at
    from {{ source('raw', 'load_manifest') }}
    where feed = 'signups' and status = 'loaded'
),

ranked as (
    select
        signups.*,
        row_number() over (
            partition by signups.customer_id
            order by
                signups.signed_up_at desc,
                load_order.file_loaded_at desc nulls last,
                load_order.file_modified_at desc nulls last,
                signups.has_marketing_consent asc,
                signups._source_row desc
        ) as recency_rank,
        min(signups.signed_up_at) over (partition by signups.customer_id) as first_signed_up_at
    from signups
    left join load_order on signups._source_file = load_order._source_file
),

latest as (
    select * exclude (recency_rank, _source_file, _source_row)
    from ranked
    where recency_rank = 1
)

select * from latest

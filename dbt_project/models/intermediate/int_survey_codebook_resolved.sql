-- The codebook in force: the one supplied with the feeds configuration, else the shipped seed.
with

supplied as (
    select * from {{ source('raw', 'survey_codebook') }}
),

shipped as (
    select * from {{ ref('survey_codebook') }}
),

final as (
    select
        question_id,
        survey_id,
        dimension,
        question_text,
        answer_type,
        cast(scale_min as double precision) as scale_min,
        cast(scale_max as double precision) as scale_max,
        is_reverse_scored
    from supplied
    union all
    select
        question_id,
        survey_id,
        dimension,
        question_text,
        answer_type,
        cast(scale_min as double precision) as scale_min,
        cast(scale_max as double precision) as scale_max,
        is_reverse_scored
    from shipped
    where not exists (select 1 from supplied)
)

select * from final

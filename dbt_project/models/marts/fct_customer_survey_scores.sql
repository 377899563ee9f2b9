with

scored as (
    select * from {{ ref('int_survey_answers_scored') }}
),

final as (
    select
        customer_id,
        dimension,
        avg(score) as score,
        count(score) as answer_count
    from scored
    where answer_type = 'likert'
    group by customer_id, dimension
)

select * from final

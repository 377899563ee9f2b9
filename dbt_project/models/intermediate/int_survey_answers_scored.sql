-- Scale answers mapped to 0..1 through the codebook, reverse-scored questions flipped.
with

answers as (
    select * from {{ ref('stg_surveys__answers') }}
),

codebook as (
    select * from {{ ref('int_survey_codebook_resolved') }}
),

joined as (
    select
        answers.response_id,
        answers.customer_id,
        answers.question_id,
        codebook.dimension,
        codebook.answer_type,
        codebook.is_reverse_scored,
        answers.answer,
        answers.submitted_at,
        case
            when codebook.answer_type = 'likert' then
                ({{ try_cast_number('answers.answer') }} - codebook.scale_min)
                / nullif(codebook.scale_max - codebook.scale_min, 0)
        end as scale_position
    from answers
    inner join codebook on answers.question_id = codebook.question_id
),

final as (
    select
        response_id,
        customer_id,
        question_id,
        dimension,
        answer_type,
        answer,
        submitted_at,
        case
            when scale_position is null or scale_position < 0 or scale_position > 1 then null
            when is_reverse_scored then 1 - scale_position
            else scale_position
        end as score
    from joined
)

select * from final

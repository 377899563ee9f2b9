-- Answers to scale (likert) questions that are not numbers, e.g. free text such as 'abc'. They
-- score null in int_survey_answers_scored instead of failing the build; this counts them.
{{ config(severity='warn') }}

select
    response_id,
    customer_id,
    question_id
from {{ ref('int_survey_answers_scored') }}
where answer_type = 'likert'
    and {{ dbt.safe_cast('answer', 'double precision') }} is null

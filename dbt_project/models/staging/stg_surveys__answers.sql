with

source as (
    select * from {{ source('raw', 'surveys') }}
),

renamed as (
    select
        response_id,
        customer_id,
        survey_id,
        question_id,
        trim(answer) as answer,
        submitted_at
    from source
)

select * from renamed

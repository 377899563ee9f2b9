-- depends_on: {{ ref('int_survey_codebook_resolved') }}
-- Every customer known from sign-ups, a customer table, orders or (at the account grain) the accounts
-- feed, with all features the segment models use.
with

customers as (
    select * from {{ ref('dim_customers') }}
),

orders as (
    select * from {{ ref('fct_customer_orders') }}
),

categories as (
    select * from {{ ref('fct_customer_category_mix') }}
),

channels as (
    select * from {{ ref('fct_customer_channel_mix') }}
),

survey_scores as (
    select * from {{ ref('fct_customer_survey_scores') }}
),

survey_answers as (
    select * from {{ ref('int_survey_answers_scored') }}
),

as_of as (
    select * from {{ ref('int_as_of_date_resolved') }}
),

customer_ids as (
    select customer_id from customers
    union
    select customer_id from orders
),

category_summary as (
    select
        customer_id,
        max(case when category_rank = 1 then category end) as top_category,
        max(case when category_rank = 1 then revenue_share end) as top_category_revenue_share,
        count(*) as category_count
    from categories
    group by customer_id
),

channel_summary as (
    select
        customer_id,
        max(case when channel_rank = 1 then channel end) as preferred_channel,
        max(case when channel_rank = 1 then order_share end) as preferred_channel_order_share,
        count(*) as channel_count
    from channels
    group by customer_id
),

survey_wide as (
    select
        customer_id
        {%- for dimension in survey_dimensions() %},
        max(case when dimension = '{{ dimension }}' then score end) as survey_{{ dimension }}_score
        {%- endfor %}
    from survey_scores
    group by customer_id
),

contact_preference as (
    select
        customer_id,
        answer as preferred_contact_channel,
        row_number() over (partition by customer_id order by submitted_at desc, response_id desc) as answer_rank
    from survey_answers
    where dimension = 'contact_channel'
),

survey_respondents as (
    select distinct customer_id from survey_answers
),

final as (
    select
        customer_ids.customer_id,
        customers.customer_id is not null as has_signed_up,
        customers.first_signed_up_at,
        customers.age_years,
        customers.gender,
        customers.marital_status,
        customers.children_count,
        customers.income_usd,
        customers.education,
        customers.country,
        customers.region,
        customers.city,
        customers.urbanicity,
        customers.acquisition_channel,
        coalesce(customers.has_marketing_consent, false) as has_marketing_consent,
        coalesce(customers.is_business_customer, false) as is_business_customer,
        customers.industry,
        customers.employee_count,
        customers.account_id,
        customers.account_annual_revenue_usd,
        customers.parent_account_id,
        customers.account_founded_year,
        orders.first_ordered_at,
        orders.last_ordered_at,
        coalesce(orders.order_count, 0) as order_count,
        coalesce(orders.purchase_day_count, 0) as purchase_day_count,
        coalesce(orders.repeat_purchase_day_count, 0) as repeat_purchase_day_count,
        -- unknown (null) for a history approximated from a customer table
        case when orders.customer_id is null then 0 else orders.item_count end as item_count,
        coalesce(orders.revenue_usd, 0) as revenue_usd,
        orders.avg_order_value_usd,
        orders.recency_days,
        orders.tenure_days,
        coalesce(orders.has_approximated_history, false) as has_approximated_history,
        category_summary.top_category,
        category_summary.top_category_revenue_share,
        coalesce(category_summary.category_count, 0) as category_count,
        channel_summary.preferred_channel,
        channel_summary.preferred_channel_order_share,
        coalesce(channel_summary.channel_count, 0) as channel_count,
        survey_respondents.customer_id is not null as has_answered_survey,
        contact_preference.preferred_contact_channel
        {%- for dimension in survey_dimensions() %},
        survey_wide.survey_{{ dimension }}_score
        {%- endfor %},
        as_of.as_of_date
    from customer_ids
    cross join as_of
    left join customers on customer_ids.customer_id = customers.customer_id
    left join orders on customer_ids.customer_id = orders.customer_id
    left join category_summary on customer_ids.customer_id = category_summary.customer_id
    left join channel_summary on customer_ids.customer_id = channel_summary.customer_id
    left join survey_wide on customer_ids.customer_id = survey_wide.customer_id
    left join contact_preference
        on customer_ids.customer_id = contact_preference.customer_id and contact_preference.answer_rank = 1
    left join survey_respondents on customer_ids.customer_id = survey_respondents.customer_id
)

select * from final

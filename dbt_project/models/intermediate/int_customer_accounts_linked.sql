-- The business account of each customer: the account their profile names, else the account of
-- most of their order lines (ties: the lowest id). At the account grain the customer is the account.
with

profiles as (
    select * from {{ ref('int_customer_profiles_merged') }}
),

order_lines as (
    select * from {{ ref('stg_shop__purchases') }}
),

from_profiles as (
    select customer_id, account_id
    from profiles
    where account_id is not null
),

purchase_accounts as (
    select
        customer_id,
        account_id,
        row_number() over (partition by customer_id order by count(*) desc, account_id) as account_rank
    from order_lines
    where account_id is not null
    group by customer_id, account_id
),

from_purchases as (
    select customer_id, account_id
    from purchase_accounts
    where account_rank = 1 and customer_id not in (select customer_id from from_profiles)
),

final as (
    select customer_id, account_id from from_profiles
    union all
    select customer_id, account_id from from_purchases
)

select * from final

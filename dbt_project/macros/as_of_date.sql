{#- The date features are computed as of: the `as_of` var, else the day of the latest purchase, an
    order line's or a customer table's last purchase date (null when there is none). -#}
{% macro as_of_date(orders_relation, customer_table_relation) -%}
    {%- if var('as_of') -%}
        cast('{{ var("as_of") }}' as date)
    {%- else -%}
        coalesce(
            (select cast(max(ordered_at) as date) from {{ orders_relation }}),
            (select cast(max(last_purchase_at) as date) from {{ customer_table_relation }})
        )
    {%- endif -%}
{%- endmacro %}

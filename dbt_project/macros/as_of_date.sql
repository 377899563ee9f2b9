{#- The date features are computed as of: the `as_of` var, else the day of the latest purchase. -#}
{% macro as_of_date(orders_relation) -%}
    {%- if var('as_of') -%}
        cast('{{ var("as_of") }}' as date)
    {%- else -%}
        (select cast(max(ordered_at) as date) from {{ orders_relation }})
    {%- endif -%}
{%- endmacro %}

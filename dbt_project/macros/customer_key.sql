{#- The customer of segments and CLV: the person (`customer_grain: customer`, the default) or, with
    `customer_grain: account`, the business account a purchase or contact belongs to. -#}
{% macro customer_key(customer_column, account_column) -%}
    {%- if var('customer_grain') == 'account' -%}
        {{ account_column }}
    {%- else -%}
        {{ customer_column }}
    {%- endif -%}
{%- endmacro %}

{% macro is_account_grain() -%}
    {{ return(var('customer_grain') == 'account') }}
{%- endmacro %}

{#- A text value as a number, null where it is not one: an answer such as 'Somewhat agree' to a scale
    question scores null instead of failing the build. dbt.safe_cast is a plain cast on DuckDB. -#}
{% macro try_cast_number(expression) -%}
    {{ return(adapter.dispatch('try_cast_number')(expression)) }}
{%- endmacro %}

{% macro default__try_cast_number(expression) -%}
    {{ dbt.safe_cast(expression, api.Column.translate_type('float')) }}
{%- endmacro %}

{% macro duckdb__try_cast_number(expression) -%}
    try_cast({{ expression }} as double)
{%- endmacro %}

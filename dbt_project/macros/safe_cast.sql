{#- dbt's default safe_cast is a plain cast on DuckDB, which stops the whole build at the first
    value that does not convert ('abc' as a scale answer). try_cast gives null instead, which is
    what "safe" promises and what the survey scoring relies on. -#}
{% macro duckdb__safe_cast(field, type) %}
    try_cast({{ field }} as {{ type }})
{% endmacro %}

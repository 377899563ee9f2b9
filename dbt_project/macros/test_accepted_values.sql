{#- dbt's accepted_values, returning the offending rows themselves (keys and values) when failures
    are stored (the project's default), so a failure message can name them; dbt's own form counts
    rows per value. Found before dbt's through the `dispatch` search order in dbt_project.yml. -#}
{% macro default__test_accepted_values(model, column_name, values, quote=True) %}
{%- if should_store_failures() %}
select *
from {{ model }}
where {{ column_name }} not in (
    {%- for value in values -%}
        {% if quote %}'{{ value }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
    {%- endfor -%}
)
{%- else %}
{{ dbt.default__test_accepted_values(model, column_name, values, quote) }}
{%- endif %}
{% endmacro %}

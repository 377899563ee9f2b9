{#- dbt's relationships test, returning the orphan rows themselves (keys and values) when failures
    are stored (the project's default), so a failure message can name them; dbt's own form returns
    the orphan values alone. Found before dbt's through the `dispatch` search order. -#}
{% macro default__test_relationships(model, column_name, to, field) %}
{%- if should_store_failures() %}
select child.*
from {{ model }} as child
where child.{{ column_name }} is not null
    and not exists (select 1 from {{ to }} as parent where parent.{{ field }} = child.{{ column_name }})
{%- else %}
{{ dbt.default__test_relationships(model, column_name, to, field) }}
{%- endif %}
{% endmacro %}

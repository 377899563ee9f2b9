{#- Rows whose value lies outside [min_value, max_value]; nulls pass (not_null says otherwise).
    With stored failures (the project's default) the whole offending rows are returned, keys and
    values, so a failure message can name them. -#}
{% test value_between(model, column_name, min_value, max_value) %}
select {{ '*' if should_store_failures() else column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

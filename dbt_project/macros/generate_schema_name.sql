{#- Use the folder's schema as is (staging, intermediate, marts, seeds), so the warehouse layout
    reads the same in every environment and matches the Dagster asset keys. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}

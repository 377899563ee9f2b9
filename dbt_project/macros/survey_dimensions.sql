{#- The survey dimensions scored on a scale, read from the codebook in force (supplied or shipped) when dbt executes,
    so a dimension added to the codebook becomes a feature column without code changes. -#}
{% macro survey_dimensions() -%}
    {%- if execute -%}
        {%- set query -%}
            select distinct dimension from {{ ref('int_survey_codebook_resolved') }}
            where answer_type = 'likert' order by dimension
        {%- endset -%}
        {{ return(run_query(query).columns[0].values() | list) }}
    {%- else -%}
        {{ return([]) }}
    {%- endif -%}
{%- endmacro %}

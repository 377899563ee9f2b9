"""The survey codebook supplied with the feeds configuration, written where dbt reads it.

The raw surveys asset replaces `raw.survey_codebook` on every load: the configured codebook's
rows, or none, in which case dbt scores answers with the shipped seed
(`int_survey_codebook_resolved`). Questions, dimensions, scales and reverse scoring are thus
configuration, never an edit of the project.
"""

import duckdb

from assets.ingest.lookups import Lookups

CODEBOOK_DDL = """
create or replace table raw.survey_codebook (
    question_id varchar, survey_id varchar, dimension varchar, question_text varchar, answer_type varchar,
    scale_min double, scale_max double, is_reverse_scored boolean
)"""


def write_codebook(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> int:
    """Replace `raw.survey_codebook` with the configured codebook; returns its questions (0: the shipped one)."""
    codebook = lookups.codebook()
    con.execute("create schema if not exists raw")
    con.execute(CODEBOOK_DDL)
    con.register("_codebook", codebook.to_arrow())
    try:
        con.execute("insert into raw.survey_codebook by name select * from _codebook")
    finally:
        con.unregister("_codebook")
    return codebook.height

"""Run a feed's mapping on a file's rows: derived fields (by DuckDB), unpivoting and value maps.

Only files whose feed configures `derive`, `unpivot` or `values` pass through here; the others keep
the plain rename-and-check path. A file's columns are text; an expression sees a column as a whole
number (BIGINT) or a decimal (DOUBLE) when every non-empty value reads as one, else as text, so
`"Kidhome" + "Teenhome"` works on counts while `try_cast`/`cast` stay available for control. An
expression that fails on a row (a cast of `abc`) gives that row no value: the row is quarantined
if the field is required, naming the field, the expression's columns and their values.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from assets.ingest.feeds import Feed
from assets.ingest.mapping import LINE_COLUMN, Unpivot, quoted, referenced_columns
from assets.ingest.reading import LINE, SHAPE_PROBLEM, FeedFileError
from assets.warehouse import table_ref

if TYPE_CHECKING:
    from assets.ingest.config import FeedSource

SOURCE_COLUMN = "_source_column"
"""The file column an unpivoted row came from: quarantine reasons name it beside the line."""
UNPIVOT_NAME = "__unpivot_name"
UNPIVOT_VALUE = "__unpivot_value"
ROW_NUMBER = "__row_number"


def derived_column(name: str) -> str:
    return f"__derived_{name}"


def derive_fields(
    table: pl.DataFrame,
    derive: dict[str, str],
    feed: Feed,
    path: Path,
    formats: tuple[str, str],
    required: set[str],
) -> pl.DataFrame:
    """The table with one `__derived_<field>` text column per expression; required fields left empty say why.

    `formats` are the (date, timestamp) formats a derived date or timestamp is written in, so the
    feed's own parsing reads it back.
    """
    used = list(dict.fromkeys(c for expression in derive.values() for c in referenced_columns(expression)))
    missing = [c for c in used if c not in table.columns]
    if missing:
        fields = [f for f, e in derive.items() if set(referenced_columns(e)) & set(missing)]
        raise FeedFileError(
            f"{path}: derive.{fields[0]}: the file has no column {', '.join(repr(c) for c in missing)}; "
            f"its columns are {', '.join(c for c in table.columns if not c.startswith('_'))}"
        )
    types = {f.name: f.type for f in feed.fields}
    con = duckdb.connect()
    try:
        typings = (_typed(table, used, "content"), _typed(table, used, "text"), _typed(table, used, "loose"))
        derived = []
        for name, expression in derive.items():
            values = _evaluate(con, expression, typings, f"{path}: derive.{name}")
            derived.append(_as_text(values, types[name], formats).alias(derived_column(name)))
    finally:
        con.close()
    table = table.with_columns(derived)
    problems = [
        pl.when(pl.col(derived_column(name)).is_null()).then(_no_value_message(name, derive[name]))
        for name in derive
        if name in required
    ]
    if not problems:
        return table
    return table.with_columns(
        pl.concat_str([pl.col(SHAPE_PROBLEM), *problems], separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias(SHAPE_PROBLEM)
    )


def _no_value_message(name: str, expression: str) -> pl.Expr:
    """`birth_date: no value from make_date(...) with Year_Birth='abc'`, quoting the columns it used."""
    parts: list[pl.Expr] = [pl.lit(f"{name}: no value from {expression}")]
    for i, column in enumerate(c for c in referenced_columns(expression) if c != LINE_COLUMN):
        parts += [pl.lit(f"{' with' if i == 0 else ','} {column}="), pl.format("'{}'", pl.col(column)).fill_null("''")]
    return pl.concat_str(parts)


def _typed(table: pl.DataFrame, columns: list[str], typing: str) -> pl.DataFrame:
    """The columns an expression uses: typed by their `content` (see the module docstring), all as `text`,
    or `loose`: numeric when some values read as numbers (the rest become null), for an expression
    that binds neither way.
    """
    typed = []
    loose = typing == "loose"
    for column in columns:
        if column == LINE_COLUMN:
            typed.append(pl.col(LINE).cast(pl.Int64).alias(LINE_COLUMN))
            continue
        text = pl.col(column).str.strip_chars().replace("", None)
        chosen = text
        for dtype in (pl.Int64, pl.Float64) if typing != "text" else ():
            cast = text.cast(dtype, strict=False)
            counts = table.select(
                cast.null_count().alias("a"), text.null_count().alias("b"), text.len().alias("c")
            ).row(0)
            if counts[0] == counts[1] or (loose and counts[0] < counts[2]):
                chosen = cast
                break
        typed.append(chosen.alias(column))
    return table.select(typed) if typed else table.select(pl.lit(None).alias("_"))


def _evaluate(
    con: duckdb.DuckDBPyConnection, expression: str, typings: tuple[pl.DataFrame, ...], where: str
) -> pl.Series:
    """The expression's value per row (null where it fails), under the first typing it binds with."""
    problem = ""
    for frame in typings:
        # DuckDB may return a scan's rows out of order: each value goes back to its row by number
        con.register("_file", frame.with_row_index(ROW_NUMBER).to_arrow())
        try:
            return con.sql(f"select try(({expression})) as v from _file order by {ROW_NUMBER}").pl()["v"]
        except duckdb.Error as exc:
            problem = problem or str(exc).splitlines()[0]
        finally:
            con.unregister("_file")
    raise FeedFileError(f"{where}: the expression does not apply to this file's columns ({problem})")


def _as_text(values: pl.Series, field_type: str, formats: tuple[str, str]) -> pl.Expr:
    """Derived values as the text the feed's parsing reads: dates in the feed's format, whole numbers without .0."""
    dtype = values.dtype
    if dtype == pl.Date:
        values = values.dt.strftime(formats[0])
    elif isinstance(dtype, pl.Datetime):
        values = values.dt.strftime(formats[1])
    elif dtype.is_float() and field_type == "integer":
        whole = values.round(0) == values
        values = pl.select(pl.when(whole).then(values.cast(pl.Int64).cast(pl.String)).otherwise(values.cast(pl.String)))
        values = values.to_series()
    return pl.lit(values.cast(pl.String))


def unpivot_table(table: pl.DataFrame, unpivot: Unpivot, path: Path) -> pl.DataFrame:
    """One row per listed column of each row, in line then column order; empty cells give no row.

    Rows keep their file line (`_source_row`), and `_source_column` names the column. A line that
    cannot be read as a whole (wrong number of fields) keeps one row, so it is quarantined, not lost.
    """
    names = _unpivot_columns(table.columns, unpivot, path)
    order = {column: i for i, column in enumerate(names)}
    index = [c for c in table.columns if c not in names]
    long = table.unpivot(on=list(names), index=index, variable_name=SOURCE_COLUMN, value_name=UNPIVOT_VALUE)
    position = pl.col(SOURCE_COLUMN).replace_strict(order, return_dtype=pl.Int64)
    value = pl.col(UNPIVOT_VALUE).str.strip_chars()
    kept = (value.is_not_null() & (value != "")) | (pl.col(SHAPE_PROBLEM).is_not_null() & (position == 0))
    return (
        long.filter(kept)
        .with_columns(pl.col(SOURCE_COLUMN).replace_strict(names, return_dtype=pl.String).alias(UNPIVOT_NAME))
        .sort(LINE, position)
    )


def _unpivot_columns(columns: list[str], unpivot: Unpivot, path: Path) -> dict[str, str]:
    """The file's columns to unpivot -> the value of the name field, matching names ignoring case and spaces."""
    own = [c for c in columns if not c.startswith("_")]
    if unpivot.pattern is not None:
        matched = {c: c for c in own if fnmatch.fnmatchcase(c.strip(), unpivot.pattern)}
        if not matched:
            raise FeedFileError(
                f"{path}: unpivot.columns '{unpivot.pattern}' matches no column; the columns are {', '.join(own)}"
            )
        return matched
    loose = {c.strip().casefold(): c for c in own}
    matched, missing = {}, []
    for column, name in unpivot.columns.items():
        found = column if column in own else loose.get(column.strip().casefold())
        if found is None:
            missing.append(column)
        else:
            matched[found] = name
    if missing:
        raise FeedFileError(
            f"{path}: unpivot.columns: missing column(s) {', '.join(missing)}; the columns are {', '.join(own)}"
        )
    return matched


def map_values(values: dict[str, dict[str, str]]) -> list[pl.Expr]:
    """Each mapped field's value replaced by its pipeline value, matching ignoring case; others kept as given."""
    exprs = []
    for name, value_map in values.items():
        folded = {given.lower(): wanted for given, wanted in value_map.items()}
        column = pl.col(name)
        exprs.append(
            column.str.to_lowercase().replace_strict(folded, default=column, return_dtype=pl.String).alias(name)
        )
    return exprs


def unmapped_values(con: duckdb.DuckDBPyConnection, source: FeedSource, limit: int = 50) -> dict[str, dict[str, int]]:
    """Per field with a value map: the loaded values that are none of its pipeline values, with their row counts.

    They are loaded as given (never turned into `other`), and reported so a map can be completed.
    """
    found: dict[str, dict[str, int]] = {}
    table = table_ref("raw", source.feed.name)
    for name, value_map in source.mapping.values.items():
        rows = con.execute(
            f"select {quoted(name)}, count(*) from {table} where {quoted(name)} is not null "
            f"and not list_contains(?, {quoted(name)}) group by all order by 2 desc, 1 limit ?",
            [sorted(set(value_map.values())), limit],
        ).fetchall()
        if rows:
            found[name] = {str(value): int(count) for value, count in rows}
    return found

"""How a file's own shape maps onto a feed, beyond renaming columns: the feeds configuration's mapping keys.

- `columns.<field>` may list alternative header names (the first one the file has wins), because
  one shop's exports spell a column two ways over the years (`InvoiceNo` / `Invoice`).
- `derive.<field>`: a DuckDB SQL expression over the file's columns (`make_date(...)`, `"Kidhome" + "Teenhome"`).
- `values.<field>`: a value map `{file value: pipeline value}` (`Graduation: bachelor`).
- `unpivot`: wide to long, one row per listed column (survey questions, spend per category).
- `currency`: the currency of a feed whose rows carry none.

Each is checked here, before any data is read, and errors name the key. Running them on a file's
rows is `assets/ingest/reshaping.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from assets.ingest.config_values import FeedConfigError, mapping
from assets.ingest.feeds import Feed
from assets.ingest.validation import CURRENCIES

MAPPING_KEYS = ("derive", "values", "unpivot", "currency")
UNPIVOT_KEYS = ("columns", "name", "value")
LINE_COLUMN = "_source_row"
"""Expressions may use the file's line number, e.g. to number the responses of a wide survey."""
_QUOTED_NAME = re.compile(r'"((?:[^"]|"")+)"')
# the types a file column is offered to an expression as: checked with each in turn at configuration time
_TYPINGS = ("varchar", "bigint", "double")


@dataclass(frozen=True)
class Unpivot:
    """Wide to long: each listed column of a row becomes a row with `name` = its (mapped) name, `value` = its cell."""

    name: str
    value: str
    columns: dict[str, str] = field(default_factory=dict)
    """Column -> the value of the name field (the column's own name unless mapped)."""
    pattern: str | None = None
    """A glob over the header (`Q*`), when the columns are not listed."""

    def settings(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "columns": self.columns, "pattern": self.pattern}


@dataclass(frozen=True)
class FeedMapping:
    """A feed's derived fields, value maps, unpivoting and currency (all optional)."""

    derive: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    unpivot: Unpivot | None = None
    currency: str | None = None

    @property
    def fields(self) -> set[str]:
        """Fields this mapping fills, besides those mapped to a column."""
        filled = set(self.derive)
        if self.unpivot is not None:
            filled |= {self.unpivot.name, self.unpivot.value}
        return filled

    def settings(self) -> dict[str, Any]:
        """Everything that changes how a file reads, for the reading fingerprint."""
        return {
            "derive": self.derive,
            "values": self.values,
            "unpivot": self.unpivot.settings() if self.unpivot else None,
            "currency": self.currency,
        }


def column_choice(column: Any, where: str) -> str | int | tuple[str, ...]:
    """A `columns.<field>` value: a header name, a 1-based position, or a list of alternative header names."""
    if isinstance(column, list):
        if not column or not all(isinstance(name, str) and name for name in column):
            raise FeedConfigError(
                f"{where}: a list of alternative header names must hold names (text), "
                f"e.g. [InvoiceNo, Invoice], got {column!r}"
            )
        return column[0] if len(column) == 1 else tuple(column)
    if isinstance(column, bool) or not isinstance(column, (str, int)):
        raise FeedConfigError(
            f"{where}: must be the file's column name, its 1-based position or a list of alternative names, "
            f"got {column!r}"
        )
    return column


def feed_mapping(settings: dict[str, Any], feed: Feed, columns: dict[str, Any], where: str) -> FeedMapping:
    """Check a feed's `derive`, `values`, `unpivot` and `currency` keys; errors name the key."""
    fields = {f.name for f in feed.fields}
    derive = _derive(mapping(settings, "derive", where), fields, columns, where)
    unpivot = _unpivot(settings.get("unpivot"), fields, set(columns) | set(derive), f"{where}.unpivot")
    contacts = {f.name for f in feed.fields if f.contact is not None}
    values = _values(mapping(settings, "values", where), fields, contacts, f"{where}.values")
    return FeedMapping(
        derive=derive, values=values, unpivot=unpivot, currency=_currency(settings.get("currency"), f"{where}.currency")
    )


def _unknown_field(name: Any, fields: set[str], where: str) -> FeedConfigError:
    return FeedConfigError(f"{where}.{name}: unknown field; valid fields are {', '.join(sorted(fields))}")


def _derive(derive: dict[Any, Any], fields: set[str], columns: dict[str, Any], where: str) -> dict[str, str]:
    checked = {}
    for name, expression in derive.items():
        key = f"{where}.derive.{name}"
        if name not in fields:
            raise _unknown_field(name, fields, f"{where}.derive")
        if name in columns:
            raise FeedConfigError(f"{key}: the field is also mapped in columns; give it one source")
        if not isinstance(expression, str) or not expression.strip():
            raise FeedConfigError(
                f"{key}: must be a DuckDB SQL expression over the file's columns (names in double quotes), "
                f"e.g. 'make_date(cast(\"Year_Birth\" as integer), 7, 1)', got {expression!r}"
            )
        check_expression(expression, key)
        checked[str(name)] = expression
    return checked


def referenced_columns(expression: str) -> list[str]:
    """The double-quoted column names an expression uses, in order of first use."""
    return list(dict.fromkeys(name.replace('""', '"') for name in _QUOTED_NAME.findall(expression)))


def check_expression(expression: str, where: str) -> None:
    """Parse and bind the expression against an empty relation of its columns; raise naming the key if it fails.

    A file's columns are text, offered to expressions as whole numbers or decimals when every value
    reads as one (see `reshaping.py`); an expression is valid when it binds under one of these typings.
    """
    names = referenced_columns(expression)
    con = duckdb.connect()
    try:
        if len(con.extract_statements(f"select ({expression}) from t")) != 1:
            raise FeedConfigError(f"{where}: must be one expression, not several statements")
        problem = None
        for sql_type in _TYPINGS:
            relation = ", ".join(f"cast(null as {sql_type}) as {quoted(n)}" for n in [*names, LINE_COLUMN])
            try:
                con.execute(f"select ({expression}) as v from (select {relation}) as t limit 0")
                return
            except duckdb.Error as exc:
                problem = problem or str(exc).splitlines()[0]
    except duckdb.Error as exc:
        problem = str(exc).splitlines()[0]
    finally:
        con.close()
    raise FeedConfigError(
        f"{where}: not a valid DuckDB expression over the file's columns ({problem}); "
        'write column names in double quotes, e.g. \'"Kidhome" + "Teenhome"\''
    )


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _values(values: dict[Any, Any], fields: set[str], contacts: set[str], where: str) -> dict[str, dict[str, str]]:
    checked: dict[str, dict[str, str]] = {}
    for name, value_map in values.items():
        if name not in fields:
            raise _unknown_field(name, fields, where)
        if name in contacts:
            # the values no map knows are reported and published; contact details never leave raw.*
            raise FeedConfigError(f"{where}.{name}: contact details cannot have a value map")
        if not isinstance(value_map, dict) or not value_map:
            raise FeedConfigError(
                f"{where}.{name}: must map the file's values to the pipeline's, "
                f"e.g. `{name}: {{Graduation: bachelor}}`, got {value_map!r}"
            )
        seen: dict[str, str] = {}
        for given, wanted in value_map.items():
            key = f"{where}.{name}.{given}"
            for part in (given, wanted):
                if isinstance(part, bool):
                    raise FeedConfigError(
                        f"{key}: YAML reads unquoted yes/no/on/off/true/false as true or false; "
                        "quote the value, e.g. 'Yes': 'true'"
                    )
                if part is None or isinstance(part, (dict, list)):
                    raise FeedConfigError(f"{key}: file value and pipeline value must be text or numbers, got {part!r}")
            folded = str(given).strip().casefold()
            if folded in seen:
                raise FeedConfigError(
                    f"{key}: '{given}' and '{seen[folded]}' are the same value (values match ignoring case and spaces)"
                )
            seen[folded] = str(given)
        checked[str(name)] = {str(given).strip(): str(wanted).strip() for given, wanted in value_map.items()}
    return checked


def _unpivot(raw: Any, fields: set[str], taken: set[str], where: str) -> Unpivot | None:
    if raw is None:
        return None
    example = "{columns: [Q1, Q2], name: question_id, value: answer}"
    if not isinstance(raw, dict):
        raise FeedConfigError(f"{where}: must be a mapping like {example}, got {raw!r}")
    for key in raw:
        if key not in UNPIVOT_KEYS:
            raise FeedConfigError(f"{where}.{key}: unknown key; valid keys are {', '.join(UNPIVOT_KEYS)}")
    targets = {}
    for key in ("name", "value"):
        target = raw.get(key)
        if target is None:
            raise FeedConfigError(f"{where}.{key}: missing; {where} needs the field that receives the column's {key}")
        if target not in fields:
            raise FeedConfigError(
                f"{where}.{key}: {target!r} is not a field of the feed; valid fields are {', '.join(sorted(fields))}"
            )
        if target in taken:
            raise FeedConfigError(f"{where}.{key}: the field {target} is also mapped in columns or derive")
        targets[key] = str(target)
    if targets["name"] == targets["value"]:
        raise FeedConfigError(f"{where}.value: must be another field than name ({targets['name']})")
    columns = raw.get("columns")
    if isinstance(columns, str) and columns:
        return Unpivot(name=targets["name"], value=targets["value"], pattern=columns)
    if isinstance(columns, list) and columns and all(isinstance(c, str) and c for c in columns):
        if len(set(columns)) != len(columns):
            raise FeedConfigError(f"{where}.columns: a column is listed twice")
        return Unpivot(name=targets["name"], value=targets["value"], columns={c: c for c in columns})
    if isinstance(columns, dict) and columns:
        for column, name in columns.items():
            if not isinstance(name, (str, int)) or isinstance(name, bool) or not str(name):
                raise FeedConfigError(f"{where}.columns.{column}: must be the name to record for the column")
        named = {str(c): str(n) for c, n in columns.items()}
        return Unpivot(name=targets["name"], value=targets["value"], columns=named)
    raise FeedConfigError(
        f"{where}.columns: must be a list of the file's columns, a mapping {{column: name}} or a glob such as 'Q*', "
        f"got {columns!r}"
    )


def _currency(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or raw.strip().upper() not in CURRENCIES:
        raise FeedConfigError(f"{where}: must be an ISO 4217 currency code such as USD, EUR or GBP, got {raw!r}")
    return raw.strip().upper()

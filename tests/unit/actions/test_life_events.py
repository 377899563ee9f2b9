"""Life events: consecutive profile versions compared on life stage, marital status, children, income, location."""

from datetime import date, datetime

import duckdb
import polars as pl

from assets.actions.life_event_assets import flag_new, previous_events
from assets.actions.life_events import life_events
from assets.publish.store import PublishedStore
from assets.segments.config import default_config


def versions(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "valid_from": pl.Datetime("us"),
            "birth_date": pl.Date,
            "marital_status": pl.String,
            "children_count": pl.Int64,
            "income_usd": pl.Float64,
            "region": pl.String,
            "country": pl.String,
        },
        orient="row",
    )


def test_a_couple_who_had_a_child_became_a_young_family_and_nothing_else_is_reported():
    frame = versions(
        [
            ("a", datetime(2025, 1, 1), date(1995, 6, 1), "married", 0, 60_000.0, "Saxony", "Germany"),
            ("a", datetime(2025, 9, 1), date(1995, 6, 1), "married", 1, 60_000.0, "Saxony", "Germany"),
            ("b", datetime(2025, 1, 1), date(1960, 6, 1), "married", 2, 40_000.0, "Kent", "UK"),
        ]
    )
    events = life_events(frame, default_config())
    assert events.select("customer_id", "field", "from_value", "to_value", "event").rows() == [
        ("a", "children", "0", "1", "children: 0 to 1"),
        ("a", "life_stage", "Young couple", "Young family", "became Young family"),
    ]
    assert events["changed_at"].to_list() == [datetime(2025, 9, 1)] * 2


def test_moves_income_and_marriage_are_events_but_a_birthday_or_an_unknown_value_is_not():
    frame = versions(
        [
            # turns 35 between versions: still the same life stage, since both sides use the newer age
            ("c", datetime(2025, 1, 1), date(1990, 6, 1), "single", 0, 30_000.0, "Kent", "UK"),
            ("c", datetime(2025, 8, 1), date(1990, 6, 1), "married", 0, 120_000.0, "Bavaria", "Germany"),
            ("d", datetime(2025, 1, 1), date(1980, 1, 1), None, 0, None, "Kent", "UK"),
            ("d", datetime(2025, 8, 1), date(1980, 1, 1), "single", 0, 50_000.0, "Kent", "UK"),
        ]
    )
    events = life_events(frame, default_config())
    c = dict(events.filter(pl.col("customer_id") == "c").select("field", "event").rows())
    assert c == {
        "income_band": "income band: 25k-50k to 100k-150k",
        "location": "moved to Bavaria, Germany",
        "marital_status": "now married",
    }
    assert events.filter(pl.col("customer_id") == "d").is_empty()


def test_an_event_already_published_is_not_new_and_a_first_publication_makes_all_new():
    events = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "changed_at": [datetime(2025, 9, 1)] * 2,
            "field": ["life_stage"] * 2,
            "from_value": ["Young couple"] * 2,
            "to_value": ["Young family"] * 2,
            "event": ["became Young family"] * 2,
        }
    )
    assert flag_new(events, None)["is_new_since_last_version"].to_list() == [True, True]
    previous = events.head(1).select("customer_id", "changed_at", "field", "to_value")
    assert flag_new(events, previous).sort("customer_id")["is_new_since_last_version"].to_list() == [False, True]


def test_previous_events_are_read_from_the_published_file_when_it_has_them(tmp_path):
    store = PublishedStore(tmp_path)
    assert previous_events(store) is None  # nothing published yet
    with duckdb.connect(str(store.current)) as con:
        con.execute("create table publication as select 1 as version")
    assert previous_events(store) is None  # published before life events existed
    with duckdb.connect(str(store.current)) as con:
        con.execute(
            "create table life_events as select 'a' as customer_id, timestamp '2025-09-01' as changed_at, "
            "'life_stage' as field, 'Young family' as to_value"
        )
    assert previous_events(store).rows() == [("a", datetime(2025, 9, 1), "life_stage", "Young family")]

"""A corpus of broken exports through the loader and through one refresh: every case gives its stated outcome.

| case | file | stated outcome |
| --- | --- | --- |
| clean baseline | purchases/01_clean.csv | all 6 rows loaded |
| wrong delimiter | purchases/02_wrong_delimiter.csv | file failed: missing columns, "is the delimiter ';'" |
| missing column | purchases/03_missing_column.csv | file failed: "missing column(s) customer_id" |
| extra columns | purchases/04_extra_columns.csv | all rows loaded, extra columns ignored |
| text in numbers | purchases/05_text_in_numbers.csv | 2 rows quarantined: "cannot read 'two' as integer", ... |
| dates, three formats | purchases/06_three_date_formats.csv | all load as 2025-03-01; a 4th format is quarantined |
| future dates | purchases/07_future_dates.csv | the 2099 row quarantined: "is in the future" |
| negative prices | purchases/08_negative_prices.csv | the row quarantined: "unit_price: must not be negative" |
| duplicate lines | purchases/09_duplicate_lines.csv | a repeated line and one of 01_clean.csv: duplicates, counted |
| byte order mark | purchases/10_bom.csv | all rows loaded, first column recognised |
| Latin-1 encoding | purchases/11_latin1.csv | file failed: "line 3 is not valid utf-8"; loads with latin-1 set |
| empty file | purchases/12_empty.csv | file failed: "the file is empty" |
| CSV formula injection | signups/signups.csv | the `=HYPERLINK(...)` and `@SUM(...)` company rows quarantined |
| truncated Parquet | surveys/truncated.parquet (written here) | file failed: "cannot read as parquet" |

Every loaded file's rows read equal its rows loaded plus quarantined; failed files are listed as
failed in the manifest and fail the `raw_<feed>_files_are_all_loaded` checks, which block the run.
"""

import shutil
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.ingest.config import load_config
from assets.ingest.loading import load_feed
from orchestration.refresh import run_refresh

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
KEY = b"corpus-test-key-0123456789abcdef"

# file -> (status, rows read, loaded, quarantined, duplicates, what the problem or a reason says)
CASES = {
    "purchases/01_clean.csv": ("loaded", 6, 6, 0, 0, None),
    "purchases/02_wrong_delimiter.csv": ("failed", 0, 0, 0, 0, "is the delimiter ';' rather than ','?"),
    "purchases/03_missing_column.csv": ("failed", 0, 0, 0, 0, "missing column(s) customer_id;"),
    "purchases/04_extra_columns.csv": ("loaded", 2, 2, 0, 0, None),
    "purchases/05_text_in_numbers.csv": ("loaded", 4, 2, 2, 0, "quantity: cannot read 'two' as integer"),
    "purchases/06_three_date_formats.csv": ("loaded", 4, 3, 1, 0, "cannot read 'March 1st 2025' as timestamp"),
    "purchases/07_future_dates.csv": ("loaded", 2, 1, 1, 0, "ordered_at: '2099-01-01 00:00:00' is in the future"),
    "purchases/08_negative_prices.csv": ("loaded", 2, 1, 1, 0, "unit_price: must not be negative, got '-2.50'"),
    "purchases/09_duplicate_lines.csv": ("loaded", 4, 2, 2, 2, "duplicate of"),
    "purchases/10_bom.csv": ("loaded", 2, 2, 0, 0, None),
    "purchases/11_latin1.csv": ("failed", 0, 0, 0, 0, "line 3 is not valid utf-8"),
    "purchases/12_empty.csv": ("failed", 0, 0, 0, 0, "the file is empty"),
    "signups/signups.csv": ("loaded", 4, 2, 2, 0, "company: '=HYPERLINK("),
    "surveys/answers.parquet": ("loaded", 3, 3, 0, 0, None),
    "surveys/truncated.parquet": ("failed", 0, 0, 0, 0, "cannot read as parquet"),
}


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(CORPUS, landing)
    (landing / "surveys").mkdir()
    answers = pl.DataFrame(
        {
            "response_id": ["R1", "R2", "R3"],
            "customer_id": ["C1", "C1", "C2"],
            "survey_id": ["interests_2025"] * 3,
            "question_id": ["Q01", "Q02", "Q01"],
            "answer": ["4", "2", "5"],
            "submitted_at": [datetime(2025, 4, 1, 12)] * 3,
        }
    )
    answers.write_parquet(landing / "surveys" / "answers.parquet")
    data = (landing / "surveys" / "answers.parquet").read_bytes()
    (landing / "surveys" / "truncated.parquet").write_bytes(data[: len(data) // 2])
    return landing


def load_all(warehouse: Path, landing: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        for source in load_config(landing / "feeds.yaml").sources:
            load_feed(con, source, now=datetime(2026, 1, 1), pii_key=KEY)
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def everything(warehouse: Path) -> tuple:
    return tuple(
        query(warehouse, f"select * from {table} order by all")
        for table in ("raw.purchases", "raw.signups", "raw.surveys", "raw.quarantined_rows", "raw.load_manifest")
    )


def test_every_case_gives_its_stated_outcome_and_rows_are_conserved(landing: Path, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    load_all(warehouse, landing)
    manifest = {
        str(Path(f).relative_to(landing)): (status, read, loaded, quarantined, duplicates, problem)
        for f, status, read, loaded, quarantined, duplicates, problem in query(
            warehouse,
            "select source_file, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate, problem "
            "from raw.load_manifest",
        )
    }
    reasons = query(warehouse, "select source_file, string_agg(reason, ' | ') from raw.quarantined_rows group by all")
    reasons_by_file = {str(Path(f).relative_to(landing)): r for f, r in reasons}
    assert sorted(manifest) == sorted(CASES)
    for name, (status, read, loaded, quarantined, duplicates, says) in CASES.items():
        assert manifest[name][:5] == (status, read, loaded, quarantined, duplicates), name
        if status == "failed":
            assert name.split("/")[1] in manifest[name][5] and says in manifest[name][5], manifest[name][5]
        elif says is not None:
            assert says in reasons_by_file[name], reasons_by_file[name]
    # row conservation, counted in the tables themselves
    unbalanced = query(
        warehouse,
        """
        with rows as (
            select _source_file as f, count(*) as n from raw.purchases group by all
            union all select _source_file, count(*) from raw.signups group by all
            union all select _source_file, count(*) from raw.surveys group by all
            union all select source_file, count(*) from raw.quarantined_rows group by all
        )
        select m.source_file from raw.load_manifest as m left join rows on rows.f = m.source_file
        where m.status = 'loaded' group by m.source_file, m.rows_read having m.rows_read <> coalesce(sum(rows.n), 0)
        """,
    )
    assert unbalanced == []
    days = query(warehouse, "select distinct cast(ordered_at as date) from raw.purchases where order_id like 'O6_'")
    assert days == [(date(2025, 3, 1),)]
    # the later sign-up of C1 is kept beside the first; contact details are normalised and keyed
    signups = query(warehouse, "select customer_id, email, length(email_hmac) from raw.signups order by signed_up_at")
    assert signups == [("C1", "ann@example.com", 64), ("C1", "ann.new@example.com", 64)]


def test_loading_twice_changes_nothing_and_a_new_file_loads_only_its_rows(landing: Path, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    load_all(warehouse, landing)
    before = everything(warehouse)
    load_all(warehouse, landing)
    assert everything(warehouse) == before

    (landing / "purchases" / "13_new.csv").write_text(
        "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"
        "O130,C9,2025-05-01 10:00:00,P1,home,1,2.50,web\n",
        encoding="utf-8",
    )
    load_all(warehouse, landing)
    after = everything(warehouse)
    assert set(after[0]) - set(before[0]) == {row for row in after[0] if row[0] == "O130"}
    assert len(after[0]) == len(before[0]) + 1
    assert after[1:4] == before[1:4]


def test_latin1_loads_once_the_feed_says_so(landing: Path, tmp_path: Path):
    config = (landing / "feeds.yaml").read_text(encoding="utf-8")
    (landing / "feeds.yaml").write_text(config.replace("format: csv", "format: csv\n    encoding: latin-1"))
    warehouse = tmp_path / "warehouse.duckdb"
    load_all(warehouse, landing)
    assert query(warehouse, "select category from raw.purchases where order_id = 'O111'") == [("café",)]


def test_a_refresh_on_the_corpus_loads_what_it_can_and_fails_visibly_on_the_broken_files(landing: Path, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    result = run_refresh(
        warehouse, landing, instance=dg.DagsterInstance.ephemeral(), config_file=landing / "feeds.yaml"
    )
    assert not result.success
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert checks["raw_purchases_files_are_all_loaded"] is False
    assert checks["raw_surveys_files_are_all_loaded"] is False
    assert checks["raw_signups_files_are_all_loaded"] is True
    assert all(checks[f"raw_{feed}_rows_are_conserved"] for feed in ("purchases", "signups", "surveys"))
    failed = query(warehouse, "select source_file, problem from raw.load_manifest where status = 'failed'")
    assert len(failed) == sum(case[0] == "failed" for case in CASES.values())
    # publication is blocked: no segment table was written
    assert query(warehouse, "select count(*) from information_schema.tables where table_schema = 'segments'") == [(0,)]

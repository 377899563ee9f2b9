"""Real exports load through configuration alone: derived fields, value maps, unpivoting, alternative headers."""

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.ingest.config import FeedSource, load_config
from assets.ingest.loading import load_feed
from assets.ingest.parsing import FeedFileError, parse_feed_file
from assets.ingest.reshaping import unmapped_values

FIXTURES = Path(__file__).parents[2] / "fixtures" / "mapping"
NOW = datetime(2026, 1, 1)
KEY = b"k" * 32


def configured(tmp_path: Path, feed: str, text: str | None = None) -> FeedSource:
    path = tmp_path / "feeds.yaml"
    path.write_text(text or (FIXTURES / "feeds.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    source = load_config(path).source(feed)
    assert source is not None
    return source


def test_a_signup_table_with_birth_years_two_child_columns_and_own_education_values_loads(tmp_path: Path):
    parsed = parse_feed_file(FIXTURES / "marketing_campaign.tsv", configured(tmp_path, "signups"), now=NOW, pii_key=KEY)
    rows = {row["customer_id"]: row for row in parsed.loaded.to_dicts()}
    assert parsed.rows_read == parsed.loaded.height + parsed.quarantined.height == 12
    assert rows["5524"]["birth_date"] == date(1957, 7, 1)
    assert rows["5524"]["signed_up_at"] == datetime(2012, 9, 4)
    assert [rows[c]["children"] for c in ("5524", "2174", "7446", "8180")] == [0, 2, 1, 2]
    assert [rows[c]["education"] for c in ("5524", "5324", "7446", "2125")] == [
        "bachelor",
        "doctorate",
        "master",
        "master",
    ]
    assert rows["4141"]["marital_status"] == "married"
    # values no map knows are loaded as given, never turned into `other`
    assert rows["387"]["education"] == "Basic" and rows["8180"]["marital_status"] == "YOLO"
    # a birth year that is no number derives no birth date; the field is optional, so the row loads
    assert rows["11004"]["birth_date"] is None


def test_a_row_whose_derived_required_field_has_no_value_is_quarantined_naming_field_and_values(tmp_path: Path):
    parsed = parse_feed_file(FIXTURES / "marketing_campaign.tsv", configured(tmp_path, "signups"), now=NOW, pii_key=KEY)
    bad = parsed.quarantined.to_dicts()
    assert [row["source_row"] for row in bad] == [13]
    assert bad[0]["reason"].startswith(
        "signed_up_at: no value from strptime(\"Dt_Customer\", '%d-%m-%Y') with Dt_Customer='31-02-2014'"
    )


def test_a_wide_survey_becomes_one_answer_per_question_with_line_numbers_and_columns(tmp_path: Path):
    parsed = parse_feed_file(FIXTURES / "survey_responses.csv", configured(tmp_path, "surveys"), now=NOW)
    loaded = parsed.loaded.sort("_source_row", "question_id")
    assert loaded.filter(pl.col("customer_id") == "5524").select("question_id", "answer").rows() == [
        ("Q03", "2"),
        ("Q05", "4"),
        ("Q06", "5"),
        ("Q15", "email"),
    ]
    # empty cells give no row: 2174 skipped one question, 5324 answered none
    assert loaded.filter(pl.col("customer_id") == "2174").height == 3
    assert "5324" not in loaded["customer_id"].to_list()
    assert loaded.filter(pl.col("customer_id") == "4141")["_source_row"].unique().to_list() == [4]
    assert loaded.filter(pl.col("customer_id") == "5524")["response_id"].unique().to_list() == [
        "5524 3/1/2025 10:15:32"
    ]
    assert loaded["submitted_at"].min() == datetime(2025, 3, 1, 10, 15, 32)
    # an answer outside the map is loaded as given, for the report of unknown values
    assert loaded.filter(pl.col("customer_id") == "7446", pl.col("question_id") == "Q05")["answer"].item() == (
        "Somewhat agree"
    )
    assert parsed.quarantined.select("source_row", "reason").rows() == [
        (
            4,
            "column I will pay more for better quality: "
            "answer: '=HYPERLINK(\"http://x\")' looks like a spreadsheet formula",
        )
    ]
    assert parsed.rows_read == parsed.loaded.height + parsed.quarantined.height == 15


def test_wide_and_signup_feeds_load_into_the_warehouse_with_unknown_values_counted(tmp_path: Path):
    source_paths = {"signups": ("campaign", "marketing_campaign.tsv"), "surveys": ("forms", "survey_responses.csv")}
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        for feed, (folder, name) in source_paths.items():
            (tmp_path / folder).mkdir()
            shutil.copy(FIXTURES / name, tmp_path / folder / name)
            source = configured(tmp_path, feed)
            load = load_feed(con, source, now=NOW, pii_key=KEY)
            assert [o.status for o in load.outcomes] == ["loaded"]
            assert load.total("rows_read") == load.total("rows_loaded") + load.total("rows_quarantined")
        assert unmapped_values(con, configured(tmp_path, "signups")) == {
            "education": {"Basic": 1},
            "marital_status": {"YOLO": 1},
        }
        assert unmapped_values(con, configured(tmp_path, "surveys")) == {"answer": {"Somewhat agree": 1}}
    finally:
        con.close()


def test_the_same_wide_survey_in_a_second_file_is_quarantined_answer_by_answer_as_duplicates(tmp_path: Path):
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(FIXTURES / "survey_responses.csv", folder / "a.csv")
    lines = (FIXTURES / "survey_responses.csv").read_text(encoding="utf-8").splitlines()
    # the second export repeats 5524's line with one answer changed, and 4141's line (with its formula) unchanged
    changed = lines[1].replace("Strongly agree", "Agree")
    (folder / "b.csv").write_text("\n".join([lines[0], changed, lines[3]]) + "\n", encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        load = load_feed(con, configured(tmp_path, "surveys"), now=NOW)
        second = next(o for o in load.outcomes if o.source_file.endswith("b.csv"))
        # 5524's three unchanged answers and 4141's three are duplicates; the changed answer is new
        assert (second.rows_read, second.rows_loaded, second.rows_duplicate, second.rows_quarantined) == (8, 1, 6, 7)
        # the first export taken away: its duplicates in the second load again, each once, and the
        # formula on the same line stays quarantined
        (folder / "a.csv").unlink()
        load_feed(con, configured(tmp_path, "surveys"), now=NOW)
        assert con.execute("select count(*) from raw.surveys").fetchone()[0] == 7
        assert con.execute("select source_row, reason like '%formula' from raw.quarantined_rows").fetchall() == [
            (3, True)
        ]
        assert con.execute(
            "select rows_read, rows_loaded, rows_quarantined, rows_duplicate from raw.load_manifest "
            "where status = 'loaded'"
        ).fetchall() == [(8, 7, 1, 0)]
    finally:
        con.close()


PURCHASES = (
    "feeds:\n  purchases:\n    folder: shop\n"
    "    columns: {order_id: [InvoiceNo, Invoice], customer_id: [CustomerID, Customer ID], ordered_at: InvoiceDate,"
    " quantity: Quantity}\n"
    '    derive: {line_amount: \'"Quantity" * "Price"\'}\n'
    "    currency: GBP\n"
)


def test_alternative_headers_a_derived_amount_and_the_feed_currency(tmp_path: Path):
    source = configured(tmp_path, "purchases", PURCHASES)
    old = tmp_path / "2010.csv"
    old.write_text(
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,Price\n536365,17850,2010-12-01 08:26:00,6,2.55\n", encoding="utf-8"
    )
    new = tmp_path / "2011.csv"
    new.write_text(
        "Invoice,Customer ID,InvoiceDate,Quantity,Price\n"
        "C536379,14527,2010-12-01 09:41:00,-1,27.50\n"
        "536380,14527,2010-12-01 09:42:00,2,n/a\n",
        encoding="utf-8",
    )
    first = parse_feed_file(old, source, now=NOW).loaded
    assert first.select("order_id", "customer_id", "line_amount", "currency").rows() == [
        ("536365", "17850", pytest.approx(15.3), "GBP")
    ]
    second = parse_feed_file(new, source, now=NOW)
    assert second.loaded.select("order_id", "quantity", "line_amount").rows() == [("C536379", -1, -27.5)]
    # a price that is no number leaves the amount empty; the row needs a price or an amount
    assert second.quarantined["reason"].to_list() == ["unit_price or line_amount: a value is required"]


def test_a_file_without_the_alternatives_or_the_derived_columns_fails_naming_them(tmp_path: Path):
    source = configured(tmp_path, "purchases", PURCHASES)
    no_invoice = tmp_path / "a.csv"
    no_invoice.write_text(
        "Order,CustomerID,InvoiceDate,Quantity,Price\n1,2,2010-12-01 08:26:00,1,1\n", encoding="utf-8"
    )
    with pytest.raises(FeedFileError, match=r"missing column\(s\) InvoiceNo or Invoice"):
        parse_feed_file(no_invoice, source, now=NOW)
    no_price = tmp_path / "b.csv"
    no_price.write_text("Invoice,CustomerID,InvoiceDate,Quantity,Cost\n1,2,2010-12-01 08:26:00,1,1\n", encoding="utf-8")
    with pytest.raises(FeedFileError, match=r"b\.csv: derive\.line_amount: the file has no column 'Price'"):
        parse_feed_file(no_price, source, now=NOW)


def test_unpivot_by_glob_and_a_file_it_matches_nothing_in(tmp_path: Path):
    text = (
        "feeds:\n  purchases: {}\n  surveys:\n"
        "    columns: {customer_id: customer, submitted_at: at, response_id: response}\n"
        "    constants: {survey_id: s}\n"
        "    unpivot: {columns: 'Q*', name: question_id, value: answer}\n"
    )
    source = configured(tmp_path, "surveys", text)
    path = tmp_path / "wide.csv"
    path.write_text("response,customer,at,Q01,Q02,note\nR1,C1,2025-01-01 10:00:00,4,,hi\n", encoding="utf-8")
    loaded = parse_feed_file(path, source, now=NOW).loaded
    assert loaded.select("question_id", "answer").rows() == [("Q01", "4")]
    path.write_text("response,customer,at,A1\nR1,C1,2025-01-01 10:00:00,4\n", encoding="utf-8")
    with pytest.raises(FeedFileError, match=r"unpivot\.columns 'Q\*' matches no column"):
        parse_feed_file(path, source, now=NOW)


PEOPLE = """feeds:
  purchases: {}
  signups:
    columns: {customer_id: ID, signed_up_at: Joined}
    derive:
      gender: lower("Sex") || 'x'
      children: EXPRESSION
"""


def test_an_expression_runs_on_text_when_typing_by_content_does_not_bind(tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_text("ID,Joined,Left,Sex\n1,2024-01-01,2024-02-01,1\n", encoding="utf-8")
    # Sex reads as a number, yet lower() wants text: the expression runs on the text
    source = configured(tmp_path, "signups", PEOPLE.replace("EXPRESSION", "'1'"))
    assert parse_feed_file(path, source, now=NOW, pii_key=KEY).loaded["gender"].to_list() == ["1x"]
    # dates are text until cast: an expression that binds under no typing fails the file, naming the key
    source = configured(tmp_path, "signups", PEOPLE.replace("EXPRESSION", '\'"Left" - "Joined"\''))
    with pytest.raises(FeedFileError, match=r"people\.csv: derive\.children: the expression does not apply"):
        parse_feed_file(path, source, now=NOW, pii_key=KEY)

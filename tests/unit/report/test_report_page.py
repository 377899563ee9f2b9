"""The report page built from a tiny published file: every section, tolerant of what a version lacks."""

from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.report.data import ReportData, quarantine_summary, read_report_data
from assets.report.page import render_report
from assets.report.write import write_report


def _published(path: Path, *, with_clv: bool = True, transitions: bool = True, clv_status: bool = False) -> Path:
    con = duckdb.connect(str(path))
    extra = ", 'not modelled' as clv_status, 'low' as clv_confidence" if clv_status else ""
    con.execute(
        "create table publication as select 2::bigint as version, timestamptz '2026-06-30 05:00:00+00' as published_at,"
        f" 1::bigint as previous_version, 3::bigint as customers{extra}"
    )
    con.execute(
        "create table segment_profiles as select * from (values "
        "('rfm_segment', 'Loyal', 2, 0.667, 900.0, 0.9, 431900.123, 'Buys often.', null),"
        "('rfm_segment', 'Lost', 1, 0.333, 100.0, 0.1, 12.5, 'Gone quiet.', null),"
        "('persona', 'Thrifty parents', 3, 1.0, 1000.0, 1.0, 200.0, 'Families who buy kids items on sale.',"
        " ['kids 60%'])"
        ") t(segment_kind, segment, customers, customer_share, revenue_usd, revenue_share, avg_clv_usd, description,"
        " top_categories)"
    )
    con.execute(
        "create table customer_segments as select * from (values ('C1', 'Loyal', 'Low'), ('C2', 'Loyal', 'High'),"
        " ('C3', 'Lost', 'High')) t(customer_id, rfm_segment, churn_risk)"
    )
    if with_clv:
        con.execute(
            "create table customer_clv as select * from (values ('C1', 0.9, 1000.0), ('C2', 0.5, 200.0),"
            " ('C3', 0.1, 12.0)) t(customer_id, p_alive, clv_usd)"
        )
        con.execute(
            "create table clv_model_parameters as "
            "select 'bgnbd' as model, 'r' as parameter, 0.6575194688282322 as value"
        )
    moves = "(1, 2, 'rfm_segment', 'Loyal', 'Loyal', 1), (1, 2, 'rfm_segment', 'Lost', 'Loyal', 1),"
    rows = moves if transitions else ""
    con.execute(
        "create table segment_transitions as select * from (values (0, 1, 'rfm_segment', 'Loyal', 'Loyal', 9), "
        f"{rows} (1, 2, 'rfm_segment', null, 'Lost', 1), (1, 2, 'rfm_segment', 'Champions', null, 4)) "
        "t(from_version, to_version, segment_kind, from_segment, to_segment, customers)"
    )
    con.close()
    return path


def test_every_section_shows_rounded_figures(tmp_path: Path):
    page = render_report(read_report_data(_published(tmp_path / "v2.duckdb")))
    for section in ("summary", "sizes", "personas", "clv", "movement", "quality", "model"):
        assert f"id='{section}'" in page
    assert "Customer segments, version 2" in page and "it replaced version 1" in page
    assert "$431.9k" in page and "431900.123" not in page
    assert "0.658" in page and "0.6575194688282322" not in page
    assert "Families who buy kids items on sale." in page and "kids 60%" in page
    assert "Average CLV per customer, by RFM segment" in page and ">$600<" in page  # (1000 + 200) / 2
    assert "Share of customers at high churn risk" in page and ">50 %<" in page
    assert "Version 1 to version 2" in page and "4 customers of the previous version are no longer present" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_moves_count_stayers_movers_and_new_customers(tmp_path: Path):
    data = read_report_data(_published(tmp_path / "v2.duckdb"))
    assert data.transitions is not None and set(data.transitions["to_version"]) == {2}
    page = render_report(data)
    assert "stayed: 1" in page and "moved in from another segment: 1" in page and "new customers: 1" in page


def test_a_version_without_clv_or_moves_still_renders(tmp_path: Path):
    data = read_report_data(_published(tmp_path / "v2.duckdb", with_clv=False, transitions=False))
    assert data.clv_by_segment is None and data.model_parameters is None and data.attempts is None
    page = render_report(data)
    assert "Not in this version (no customer_clv)" in page
    assert "No CLV model parameters in this version." in page


def test_clv_status_and_confidence_are_shown_when_published(tmp_path: Path):
    page = render_report(read_report_data(_published(tmp_path / "v2.duckdb", clv_status=True)))
    assert "status: not modelled" in page and "confidence: low" in page


def test_quarantine_reasons_lose_their_values(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    assert quarantine_summary(con) is None
    con.execute("create schema raw")
    con.execute(
        "create table raw.quarantined_rows as select * from (values "
        "('signups', 'a.csv', 3, 'email: not an address ''bob@x'''), ('signups', 'b.csv', 9, 'email: ''x'''),"
        " ('purchases', 'p.csv', 2, 'duplicate of a row already loaded')) t(feed, source_file, source_row, reason)"
    )
    summary = quarantine_summary(con)
    con.close()
    assert summary is not None
    assert summary.to_dicts() == [
        {"feed": "purchases", "reason": "duplicate of a row already loaded", "rows_quarantined": 1, "files": 1},
        {"feed": "signups", "reason": "email", "rows_quarantined": 2, "files": 2},
    ]
    page = render_report(read_report_data(_published(tmp_path / "v2.duckdb"), summary))
    assert "bob@x" not in page and "duplicate of a row already loaded" in page


def test_the_report_is_written_whole(tmp_path: Path):
    target = write_report(_published(tmp_path / "v2.duckdb"), tmp_path / "out" / "report.html", pl.DataFrame())
    assert target.read_text().startswith("<!doctype html>") and not list(target.parent.glob("*.partial"))


def test_a_missing_published_file_is_an_error(tmp_path: Path):
    with pytest.raises(duckdb.Error):
        read_report_data(tmp_path / "nothing.duckdb")


def test_the_report_command_writes_the_published_versions_page(tmp_path: Path, capsys: pytest.CaptureFixture):
    from orchestration.cli import main

    (tmp_path / "w-published").mkdir()
    _published(tmp_path / "w-published" / "segments.duckdb")
    assert main(["report", "--warehouse", str(tmp_path / "w.duckdb"), "--html"]) == 0
    page = tmp_path / "w-published" / "report.html"
    assert "Customer segments, version 2" in page.read_text()
    assert "it was not available" in page.read_text()  # no warehouse beside it: no quarantine figures
    assert main(["report", "--warehouse", str(tmp_path / "w.duckdb"), "--html", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").exists() and str(tmp_path / "r.html") in capsys.readouterr().out
    assert main(["report", "--warehouse", str(tmp_path / "other.duckdb"), "--html"]) == 1
    assert "Nothing published" in capsys.readouterr().err


def test_the_page_written_at_publication_names_its_own_running_attempt(tmp_path: Path):
    data = read_report_data(_published(tmp_path / "v2.duckdb"))
    attempts = pl.DataFrame({"version": [2, 1], "status": ["running", "published"], "action": ["refresh"] * 2})
    page = render_report(ReportData(**{**data.__dict__, "attempts": attempts}))
    assert ">publishing this version<" in page and ">published<" in page and ">running<" not in page

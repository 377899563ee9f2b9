"""The stakeholder report as one self-contained HTML page: inline CSS, inline SVG, no script.

It opens from a file, offline, in any browser, and can be mailed as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import polars as pl

from assets.report.data import SEGMENT_KINDS_SHOWN, ReportData
from assets.report.numbers import count, number, share, usd
from assets.report.svg import COLOURS, bar_chart, stacked_bar_chart

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1000px;padding:1rem 2rem;
color:#222;line-height:1.4}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #4c78a8;padding-bottom:.2rem;margin-top:2.2rem}
.lead{color:#555}.note{color:#666;font-size:.9rem}.empty{color:#888;font-style:italic}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .8rem;
flex:1 1 280px}.card h3{margin:.1rem 0 .3rem}.figure{font-size:1.6rem;font-weight:600}
svg.chart{max-width:100%;height:auto;display:block;margin:.6rem 0}
.bad{color:#b00020;font-weight:600}.good{color:#1b7f3b;font-weight:600}
"""


def render_report(data: ReportData) -> str:
    """The whole page for one published version."""
    pub = data.publication
    version = pub.get("version")
    title = f"Customer segments, version {version}" if version is not None else "Customer segments"
    sections = [
        _summary(data),
        _sizes_and_value(data.profiles),
        _personas(data.profiles),
        _clv_and_churn(data.clv_by_segment, pub),
        _movement(data.transitions, pub),
        _data_quality(_this_attempt_named(data.attempts, version), data.quarantine),
        _model_quality(data.model_parameters, data.backtest),
    ]
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p class='lead'>Published {escape(_when(pub.get('published_at')))} for "
        f"{count(_num(pub.get('customers')))} customers"
        + (f"; it replaced version {pub['previous_version']}" if pub.get("previous_version") is not None else "")
        + ".</p>"
        + "".join(sections)
        + "</body></html>\n"
    )


def _summary(data: ReportData) -> str:
    cards = []
    clv = data.clv_by_segment
    if clv is not None and clv.height:
        total = clv["total_clv_usd"].sum()
        cards.append(_card("Expected customer value", usd(total), "sum of CLV over the horizon"))
        alive = (clv["avg_p_alive"] * clv["customers"]).sum() / max(clv["customers"].sum(), 1)
        cards.append(_card("Customers still active", share(alive, 0), "average chance a customer still buys"))
    profiles = data.profiles
    if profiles is not None and profiles.height and "revenue_usd" in profiles.columns:
        rfm = profiles.filter(pl.col("segment_kind") == "rfm_segment")
        if rfm.height:
            cards.append(_card("Revenue so far", usd(rfm["revenue_usd"].sum()), "all purchases to the as-of date"))
    return f"<section id='summary'><div class='cards'>{''.join(cards)}</div></section>" if cards else ""


def _card(heading: str, figure: str, note: str) -> str:
    return (
        f"<div class='card'><h3>{escape(heading)}</h3><div class='figure'>{escape(figure)}</div>"
        f"<div class='note'>{escape(note)}</div></div>"
    )


def _sizes_and_value(profiles: pl.DataFrame | None) -> str:
    if profiles is None or not profiles.height:
        return _missing("sizes", "Segment sizes and value", "segment_profiles")
    parts = ["<section id='sizes'><h2>Segment sizes and value</h2>"]
    kinds = [k for k in SEGMENT_KINDS_SHOWN if k in set(profiles["segment_kind"])]
    for kind in kinds:
        rows = profiles.filter(pl.col("segment_kind") == kind).sort("customers", "segment", descending=[True, False])
        name = _kind_name(kind)
        labels = rows["segment"].cast(pl.String).fill_null("(none)").to_list()
        total = max(rows["customers"].sum(), 1)
        parts.append(f"<h3>{escape(name)}</h3>")
        parts.append(
            bar_chart(
                labels,
                rows["customers"].to_list(),
                title=f"{name}: customers per segment",
                label=lambda v, total=total: f"{count(v)} ({share((v or 0) / total, 0)})",
            )
        )
        if "avg_clv_usd" in rows.columns and rows["avg_clv_usd"].drop_nulls().len():
            parts.append(
                bar_chart(labels, rows["avg_clv_usd"].to_list(), title=f"{name}: average CLV per customer", label=usd)
            )
    others = sorted(set(profiles["segment_kind"]) - set(kinds))
    if others:
        parts.append(
            "<p class='note'>Other segment kinds in <code>segments.segment_profiles</code>: "
            + escape(", ".join(_kind_name(k) for k in others))
            + ".</p>"
        )
    return "".join(parts) + "</section>"


def _personas(profiles: pl.DataFrame | None) -> str:
    if profiles is None or "description" not in profiles.columns:
        return _missing("personas", "Personas", "segment_profiles.description")
    personas = profiles.filter(pl.col("segment_kind") == "persona").sort("customers", descending=True)
    if not personas.height:
        return _missing("personas", "Personas", "persona profiles")
    cards = []
    for row in personas.iter_rows(named=True):
        facts = [f"{count(row['customers'])} customers ({share(row.get('customer_share'), 0)})"]
        if row.get("avg_clv_usd") is not None:
            facts.append(f"average CLV {usd(row['avg_clv_usd'])}")
        if row.get("top_categories"):
            facts.append(f"buys {_text(row['top_categories'])}")
        cards.append(
            f"<div class='card persona'><h3>{escape(str(row['segment']))}</h3>"
            f"<p>{escape(_text(row.get('description')) or '')}</p><p class='note'>{escape('; '.join(facts))}</p></div>"
        )
    return f"<section id='personas'><h2>Personas</h2><div class='cards'>{''.join(cards)}</div></section>"


def _clv_and_churn(clv: pl.DataFrame | None, pub: dict[str, Any]) -> str:
    status = _clv_status(pub)
    if clv is None or not clv.height:
        return _missing("clv", "CLV and churn by segment", "customer_clv", extra=status)
    labels = clv["segment"].cast(pl.String).fill_null("(none)").to_list()
    parts = [
        "<section id='clv'><h2>CLV and churn by segment</h2>",
        status,
        bar_chart(labels, clv["avg_clv_usd"].to_list(), title="Average CLV per customer, by RFM segment", label=usd),
        bar_chart(
            labels,
            clv["avg_p_alive"].to_list(),
            title="Chance a customer is still active (average P(alive)), by RFM segment",
            label=lambda v: share(v, 0),
        ),
    ]
    if clv["high_churn_risk_share"].drop_nulls().len():
        parts.append(
            bar_chart(
                labels,
                clv["high_churn_risk_share"].to_list(),
                title="Share of customers at high churn risk, by RFM segment",
                label=lambda v: share(v, 0),
            )
        )
    return "".join(parts) + "</section>"


def _clv_status(pub: dict[str, Any]) -> str:
    """The CLV status and confidence, when the publication row carries them (newer versions do)."""
    found = {k: v for k, v in pub.items() if k.startswith("clv_") and v is not None}
    if not found:
        return ""
    items = "".join(
        f"<li>{escape(k.removeprefix('clv_').replace('_', ' '))}: {escape(_text(v))}</li>" for k, v in found.items()
    )
    return f"<ul class='clv-status'>{items}</ul>"


def _movement(transitions: pl.DataFrame | None, pub: dict[str, Any]) -> str:
    heading = "How customers moved since the previous version"
    if transitions is None or not transitions.height:
        why = "This is the first published version: there is no earlier one to compare with."
        if pub.get("previous_version") is not None:
            why = "No movements were recorded between the previous version and this one."
        return f"<section id='movement'><h2>{heading}</h2><p class='empty'>{escape(why)}</p></section>"
    rfm = transitions.filter(pl.col("segment_kind") == "rfm_segment")
    if not rfm.height:
        rfm = transitions.filter(pl.col("segment_kind") == transitions["segment_kind"][0])
    kind = _kind_name(rfm["segment_kind"][0])
    into = rfm.filter(pl.col("to_segment").is_not_null())
    flows = (
        into.with_columns(
            pl.when(pl.col("from_segment").is_null())
            .then(pl.lit("new"))
            .when(pl.col("from_segment") == pl.col("to_segment"))
            .then(pl.lit("stayed"))
            .otherwise(pl.lit("moved_in"))
            .alias("flow")
        )
        .pivot(on="flow", index="to_segment", values="customers", aggregate_function="sum")
        .fill_null(0)
    )
    for flow in ("stayed", "moved_in", "new"):
        if flow not in flows.columns:
            flows = flows.with_columns(pl.lit(0).alias(flow))
    flows = flows.with_columns((pl.col("stayed") + pl.col("moved_in") + pl.col("new")).alias("total")).sort(
        "total", "to_segment", descending=[True, False]
    )
    chart = stacked_bar_chart(
        flows["to_segment"].to_list(),
        {
            "stayed": flows["stayed"].to_list(),
            "moved in from another segment": flows["moved_in"].to_list(),
            "new customers": flows["new"].to_list(),
        },
        title=f"{kind}: where this version's customers came from",
        label=count,
        colours=(COLOURS["stayed"], COLOURS["moved_in"], COLOURS["new"]),
    )
    moves = (
        rfm.filter(pl.col("from_segment").is_not_null() & pl.col("to_segment").is_not_null())
        .filter(pl.col("from_segment") != pl.col("to_segment"))
        .sort("customers", descending=True)
        .head(10)
    )
    left = rfm.filter(pl.col("to_segment").is_null())["customers"].sum()
    table = _table(
        moves,
        [("from_segment", "from", str), ("to_segment", "to", str), ("customers", "customers", count)],
    )
    versions = f"Version {rfm['from_version'][0]} to version {rfm['to_version'][0]}."
    return (
        f"<section id='movement'><h2>{heading}</h2><p class='note'>{escape(versions)} "
        f"{count(left)} customers of the previous version are no longer present.</p>{chart}"
        f"<h3>Largest moves between segments</h3>{table}</section>"
    )


def _this_attempt_named(attempts: pl.DataFrame | None, version: Any) -> pl.DataFrame | None:
    """The page written at publication sees its own attempt still running: call it what it is."""
    if attempts is None or "status" not in attempts.columns or version is None:
        return attempts
    publishing = (pl.col("version") == version) & (pl.col("status") == "running")
    return attempts.with_columns(
        pl.when(publishing).then(pl.lit("publishing this version")).otherwise(pl.col("status")).alias("status")
    )


def _data_quality(attempts: pl.DataFrame | None, quarantine: pl.DataFrame | None) -> str:
    parts = ["<section id='quality'><h2>Data quality</h2>"]
    if quarantine is not None:
        if quarantine.height:
            parts.append("<h3>Rows set aside (quarantined), by feed and reason</h3>")
            parts.append(
                _table(
                    quarantine,
                    [
                        ("feed", "feed", str),
                        ("reason", "reason", str),
                        ("rows_quarantined", "rows", count),
                        ("files", "files", count),
                    ],
                )
            )
        else:
            parts.append("<p class='good'>No input row was quarantined: every row read was loaded.</p>")
    else:
        parts.append(
            "<p class='note'>Quarantined rows per feed are read from the warehouse; it was not available "
            "when this page was written (a refresh holds it). The page written at publication has them.</p>"
        )
    if attempts is not None and attempts.height:
        parts.append("<h3>Latest refresh attempts</h3>")
        parts.append(
            _table(
                attempts,
                [
                    ("version", "version", str),
                    ("status", "status", str),
                    ("started_at", "started (UTC)", _when),
                    ("checks_passed", "checks passed", count),
                    ("checks_failed", "checks failed", count),
                    ("failed_checks", "failed checks", _text),
                    ("warnings", "warnings", _text),
                ],
            )
        )
    return "".join(parts) + "</section>"


def _model_quality(parameters: pl.DataFrame | None, backtest: pl.DataFrame | None) -> str:
    parts = ["<section id='model'><h2>Model quality</h2>"]
    if parameters is not None and parameters.height:
        columns = [
            (c, c.replace("_", " "), number if parameters[c].dtype.is_numeric() else _text)
            for c in ("model", "parameter", "value", "standard_error", "log_likelihood", "customers", "note")
            if c in parameters.columns
        ]
        parts.append("<h3>Fitted CLV model parameters</h3>" + _table(parameters, columns))
    else:
        parts.append("<p class='empty'>No CLV model parameters in this version.</p>")
    if backtest is not None and backtest.height:
        numeric = [c for c, t in backtest.schema.items() if t.is_numeric()]
        columns = [(c, c.replace("_", " "), number if c in numeric else _text) for c in backtest.columns]
        parts.append("<h3>Hold-out backtest: predicted against what happened</h3>")
        if {"model", "total_error_pct"} <= set(backtest.columns):
            parts.append(
                bar_chart(
                    backtest["model"].to_list(),
                    [abs(v) if v is not None else None for v in backtest["total_error_pct"].to_list()],
                    title="Error in total hold-out purchases, by model (smaller is better)",
                    label=lambda v: f"{number(v, 2)} %",
                )
            )
        parts.append(_table(backtest, columns))
    else:
        parts.append("<p class='empty'>No backtest in this version.</p>")
    return "".join(parts) + "</section>"


def _table(frame: pl.DataFrame, columns: Sequence[tuple[str, str, Callable[[Any], str]]]) -> str:
    present = [(c, h, f) for c, h, f in columns if c in frame.columns]
    numeric = {c for c, _, f in present if f in (count, number, usd)}
    head = "".join(f"<th class='{'n' if c in numeric else ''}'>{escape(h)}</th>" for c, h, _ in present)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'n' if c in numeric else ''}'>{escape(f(row[c]) if row[c] is not None else '')}</td>"
            for c, _, f in present
        )
        + "</tr>"
        for row in frame.iter_rows(named=True)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _missing(anchor: str, heading: str, source: str, extra: str = "") -> str:
    return (
        f"<section id='{anchor}'><h2>{escape(heading)}</h2>{extra}"
        f"<p class='empty'>Not in this version (no {escape(source)}).</p></section>"
    )


def _kind_name(kind: str) -> str:
    return {"rfm_segment": "RFM segment", "value_tier": "Value tier", "churn_risk": "Churn risk"}.get(
        kind, kind.replace("_", " ").capitalize()
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, pl.Series)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _when(value: Any) -> str:
    if value is None:
        return "at an unknown time"
    return value.strftime("%Y-%m-%d %H:%M UTC") if hasattr(value, "strftime") else str(value)

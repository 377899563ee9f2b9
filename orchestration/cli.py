"""The `segments` command: generate sample feeds, refresh the warehouse, report the segments."""

import argparse
import contextlib
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from orchestration.resources import DEFAULT_LANDING, DEFAULT_WAREHOUSE


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(DEFAULT_WAREHOUSE),
        metavar="PATH",
        help=f"DuckDB warehouse file (default: {DEFAULT_WAREHOUSE}; created if missing)",
    )
    parser.add_argument(
        "--landing",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"landing folder, one sub-folder per feed: purchases/, signups/, surveys/ (default: {DEFAULT_LANDING}); "
        "with --config, the folder the configuration's feed folders are relative to",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segments",
        description="Customer segmentation pipeline: load feeds into a DuckDB warehouse, build features "
        "with dbt, compute segments and CLV, check them and publish them to the `segments` schema.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser("generate", help="write sample purchase, signup and survey feeds")
    _add_paths(generate)
    _add_generate_options(generate)

    refresh = commands.add_parser("refresh", help="run the whole pipeline in process and publish the segments")
    _add_paths(refresh)
    _add_refresh_options(refresh)

    report = commands.add_parser("report", help="print the published segment profiles")
    _add_paths(report)
    report.add_argument(
        "--kind",
        default="rfm_segment",
        help="segment kind to show (a column of segments.customer_segments, e.g. rfm_segment, persona, "
        "life_stage, value_tier), or 'all'",
    )
    report.add_argument(
        "--html",
        nargs="?",
        const="",
        metavar="PATH",
        help="write the stakeholder report, a self-contained HTML page, to PATH "
        "(default: report.html beside the published file) instead of printing profiles",
    )

    docs = commands.add_parser("docs", help="serve the reports and Data Docs on localhost for the Dagster UI's links")
    _add_paths(docs)
    docs.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: 3070)")

    rollback = commands.add_parser("rollback", help="republish the version published before the current one")
    _add_paths(rollback)
    rollback.add_argument("--wait", action="store_true", help="wait for a running refresh instead of refusing")

    status = commands.add_parser("status", help="show the published version, its age and the last refresh attempt")
    _add_paths(status)

    demo = commands.add_parser("demo", help="generate sample data, refresh, and report: the whole tour")
    _add_paths(demo)
    _add_generate_options(demo)
    _add_refresh_options(demo)
    return parser


def _add_generate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=10_000, help="customers to generate (100 to 1,000,000+)")
    parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed writes the same files")
    parser.add_argument(
        "--sample-as-of", type=date.fromisoformat, default=date(2026, 6, 30), help="last day of sample history"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace feeds already in the landing folder")


def _add_refresh_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="feeds configuration (YAML: formats, column mappings, refresh settings); its feed folders are "
        "relative to --landing when given, else to its own `landing` key",
    )
    parser.add_argument("--as-of", help="compute features as of this date (default: day of the latest purchase)")
    parser.add_argument("--calibration-end", help="fit CLV models on purchases up to this date (default: --as-of)")
    parser.add_argument("--time-unit", choices=("days", "weeks"), help="CLV model time unit (default: weeks)")
    parser.add_argument(
        "--purchase-model", choices=("auto", "bgnbd", "pareto_nbd"), help="default: auto, by likelihood"
    )
    parser.add_argument("--horizon-months", type=int, help="CLV horizon in months (default: 12)")
    parser.add_argument("--discount-rate", type=float, help="monthly discount rate for CLV (default: 0.01)")
    parser.add_argument("--verbose", action="store_true", help="show Dagster's step logs")
    parser.add_argument("--wait", action="store_true", help="wait for a running refresh instead of refusing")
    parser.add_argument(
        "--audience",
        action="append",
        metavar="KIND[:SEGMENT]",
        help="segments to export as audience files, e.g. rfm_segment or 'churn_risk:High' "
        "(repeatable; default: every RFM segment)",
    )
    parser.add_argument(
        "--drift-warn", type=float, metavar="SHARE", help="warn when a segment's share moves more (default: 0.05)"
    )
    parser.add_argument(
        "--drift-block", type=float, metavar="SHARE", help="block publication when it moves more (default: 0.25)"
    )


def generate(args: argparse.Namespace) -> int:
    from sample_data import generate_feeds

    summary = generate_feeds(
        args.landing,
        customers=args.customers,
        seed=args.seed,
        as_of=args.sample_as_of,
        overwrite=args.overwrite,
    )
    print(
        f"Wrote {summary.customers:,} customers, {summary.orders:,} orders ({summary.purchase_lines:,} lines) "
        f"and {summary.survey_answers:,} survey answers to {Path(args.landing).resolve()}"
    )
    return 0


def refresh(args: argparse.Namespace) -> int:
    from assets.ingest.config import FeedConfigError, load_config
    from assets.publish.exports import parse_selections
    from assets.publish.lock import RefreshLocked
    from assets.publish.store import PublishedFileUnreadable
    from orchestration.refresh import failures, refresh_run_config, run_refresh

    started = time.perf_counter()
    settings: dict[str, Any] = {}
    if args.config:
        try:
            settings.update(load_config(args.config).refresh)
        except FeedConfigError as exc:
            print(f"Invalid feeds configuration: {exc}", file=sys.stderr)
            return 2
    flags = {
        "as_of": args.as_of,
        "calibration_end": args.calibration_end,
        "time_unit": args.time_unit,
        "purchase_model": args.purchase_model,
        "horizon_months": args.horizon_months,
        "monthly_discount_rate": args.discount_rate,
    }
    settings.update({k: v for k, v in flags.items() if v is not None})
    run_config = refresh_run_config(settings, log_level="DEBUG" if args.verbose else "WARNING")
    if args.audience:
        from assets.segments.profiles import SEGMENT_KINDS

        try:  # before the refresh, not in its publish step minutes later
            parse_selections(args.audience, SEGMENT_KINDS)
        except ValueError as exc:
            print(f"Invalid --audience: {exc}", file=sys.stderr)
            return 2
    publication = {
        "audiences": args.audience,
        "drift_warn_share_change": args.drift_warn,
        "drift_block_share_change": args.drift_block,
    }
    log_file = args.warehouse.resolve().parent / "logs" / f"refresh-{time.strftime('%Y%m%dT%H%M%S')}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    if not (args.verbose and sys.stdout.isatty()):
        os.environ.setdefault("DBT_USE_COLORS", "false")  # no colour codes in a file or a pipe
    try:
        with log_file.open("w") as log, _quiet_unless(args.verbose, log):
            result = run_refresh(
                args.warehouse,
                args.landing,
                run_config,
                config_file=args.config,
                wait=args.wait,
                landing_overrides_config=bool(args.config) and args.landing_given,
                publication={k: v for k, v in publication.items() if v is not None},
            )
    except RefreshLocked as exc:
        print(f"Refresh refused: {exc}", file=sys.stderr)
        return 3
    except PublishedFileUnreadable as exc:
        print(f"Refresh failed: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    problems = failures(result)
    if problems or not result.success:
        print(failure_report(problems, elapsed, None if args.verbose else log_file), file=sys.stderr)
        return 1
    from assets.publish.store import PublishedStore

    store = PublishedStore.beside(args.warehouse)
    print(
        f"Published version {store.current_version()} in {elapsed:.1f} s (run {result.run_id}); "
        f"analysts read it read-only from {store.current}"
    )
    for line in failures(result, include_warnings=True):
        print(f"  - {line}")
    return 0


def _quiet_unless(verbose: bool, log: TextIO) -> contextlib.AbstractContextManager:
    """dbt's progress lines (stdout) and Dagster's step logs (stderr) go to ``log`` unless ``verbose``.

    Dagster's console logger picks colours only for a terminal, so the file gets plain text.
    """
    if verbose:
        return contextlib.nullcontext()
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(log))
    stack.enter_context(contextlib.redirect_stderr(log))
    return stack


def failure_report(problems: list[str], elapsed: float, log_file: Path | None) -> str:
    """The root cause on the first line, the other problems after it, then where the details are."""
    first, *rest = problems or ["the run failed without a failed step or check (see the log)"]
    lines = [f"Refresh failed: {first}", *(f"  - {line}" for line in rest)]
    lines.append(f"The published tables were not changed ({elapsed:.1f} s).")
    if log_file is not None:
        lines.append(f"Dagster's step logs and dbt's output: {log_file}")
    return "\n".join(lines)


def report(args: argparse.Namespace) -> int:
    """Print the published profiles, reading the published file read-only as an analyst would."""
    import duckdb

    if getattr(args, "html", None) is not None:
        return _html_report(args)

    from assets.publish.store import PublishedStore

    published = PublishedStore.beside(args.warehouse).current
    if not published.exists():
        print(f"Nothing published at {published} yet: run `segments refresh` first.", file=sys.stderr)
        return 1
    con = duckdb.connect(str(published), read_only=True)
    try:
        available = [
            row[0]
            for row in con.execute(
                "select segment_kind from segments.segment_profiles group by segment_kind order by min(rowid)"
            ).fetchall()
        ]
        kinds = available if args.kind == "all" else [args.kind]
        if args.kind != "all" and args.kind not in available:
            print(f"No segment kind {args.kind!r}; the published kinds are {', '.join(available)}.", file=sys.stderr)
            return 2
        warning = clv_warning(con)
        if warning:
            print(warning + "\n")
        for kind in kinds:
            rows = con.execute(
                "select segment, customers, customer_share, revenue_share, avg_clv_usd "
                "from segments.segment_profiles where segment_kind = ? order by customers desc",
                [kind],
            ).fetchall()
            print(format_profile_table(kind, rows, _reporting_currency(con)))
        print(format_unknown_values(_unknown_values(con)))
    finally:
        con.close()
    return 0


def _reporting_currency(con: Any) -> str:
    """The currency of the published amounts; USD for a version published before it was recorded."""
    import duckdb

    try:
        rows = con.execute("select max(reporting_currency) from segments.publication").fetchall()
    except duckdb.BinderException:
        return "USD"
    return rows[0][0] or "USD"


def _unknown_values(con: Any) -> list[tuple[Any, ...]]:
    """Published values no value map or vocabulary knows; none from a version published before they were kept."""
    import duckdb

    try:
        return con.execute(
            "select source, value, rows from segments.unknown_values order by source, rows desc, value"
        ).fetchall()
    except duckdb.CatalogException:
        return []


def format_unknown_values(rows: list[tuple[Any, ...]]) -> str:
    """The values no map or vocabulary knows, per configuration key: what to add to a map or vocabulary."""
    if not rows:
        return "Unknown values: none (every mapped field's value is known to its value map and vocabulary)\n"
    lines = ["Unknown values (loaded as given; add them to the value map or vocabulary named)"]
    width = max(len(str(value)) for _, value, _ in rows)
    for source, value, count in rows:
        lines.append(f"  {str(value).ljust(width)}  {count:>9,}  {source}")
    return "\n".join(lines) + "\n"


def _html_report(args: argparse.Namespace) -> int:
    from assets.report.write import write_published_report

    try:
        page = write_published_report(args.warehouse, Path(args.html) if args.html else None)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Wrote the report to {page}; it opens offline in any browser.")
    return 0


def docs(args: argparse.Namespace) -> int:
    """Serve the published folder's reports and Data Docs until interrupted (the checks link them here)."""
    from assets.publish.store import PublishedStore
    from assets.report.serve import DEFAULT_DOCS_PORT, docs_server, docs_url

    store = PublishedStore.beside(args.warehouse)
    port = args.port or DEFAULT_DOCS_PORT
    try:
        server = docs_server(store.root, port)
    except OSError as exc:
        print(f"Cannot serve on 127.0.0.1:{port}: {exc}. Pick another with --port.", file=sys.stderr)
        return 1
    version = store.current_version()
    print(f"Serving the reports and Data Docs of {store.root} (Ctrl-C stops):")
    if version is not None:
        print(f"  report of version {version}:    {docs_url(store.report_file(version).relative_to(store.root), port)}")
        print(f"  Data Docs of version {version}: {docs_url(f'data_docs/v{version:06d}/index.html', port)}")
    sys.stdout.flush()  # the addresses show at once, also through a pipe, while the server runs
    with contextlib.suppress(KeyboardInterrupt), server:
        server.serve_forever()
    return 0


def rollback(args: argparse.Namespace) -> int:
    from assets.publish.lock import RefreshLocked, refresh_lock
    from assets.publish.rollback import NothingToRollBack, roll_back
    from assets.publish.store import PublishedFileUnreadable, PublishedStore
    from orchestration.refresh import heal_mirror

    store = PublishedStore.beside(args.warehouse)
    try:
        with refresh_lock(store.lock_file, wait=args.wait, purpose="rollback"):
            before, after = roll_back(store)
            heal_mirror(args.warehouse.resolve(), store)
    except RefreshLocked as exc:
        print(f"Rollback refused: {exc}", file=sys.stderr)
        return 3
    except NothingToRollBack as exc:
        print(f"Nothing to roll back: {exc}.", file=sys.stderr)
        return 1
    except PublishedFileUnreadable as exc:
        print(f"Rollback failed: {exc}", file=sys.stderr)
        return 1
    print(f"Rolled back from version {before} to version {after}; analysts opening {store.current} now read it.")
    return 0


def status(args: argparse.Namespace) -> int:
    from assets.publish.lock import is_locked
    from assets.publish.rollback import status as published_status
    from assets.publish.store import PublishedStore

    store = PublishedStore.beside(args.warehouse)
    for line in published_status(store, refresh_running=is_locked(store.lock_file)).lines():
        print(line)
    if store.current.exists():
        import duckdb

        con = duckdb.connect(str(store.current), read_only=True)
        try:
            print(clv_warning(con) or "CLV: modelled")
        finally:
            con.close()
    print(f"Analysts read: {store.current}")
    return 0


def clv_warning(con: Any) -> str | None:
    """`Warning: CLV ...` when the published CLV is low confidence or unavailable, from the published file.

    Versions published before the CLV had a status have no such columns: nothing to warn about then.
    """
    columns = {row[0] for row in con.execute("describe segments.publication").fetchall()}
    if "clv_note" not in columns:
        return None
    status, note = con.execute("select clv_status, clv_note from segments.publication").fetchone()
    return None if status == "modelled" else f"Warning: CLV {note}"


def plural(noun: str) -> str:
    """`Country` -> `Countries`, `Category affinity` -> `Category affinities`, `Age band` -> `Age bands`."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


def format_profile_table(kind: str, rows: list[tuple[Any, ...]], currency: str = "USD") -> str:
    header = ("segment", "customers", "share", "revenue share", f"avg CLV ({currency})")
    body = [
        (str(name), f"{customers:,}", f"{share:.1%}", f"{revenue:.1%}", "" if clv is None else f"{clv:,.2f}")
        for name, customers, share, revenue, clv in rows
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [
        plural(kind.replace("_", " ").capitalize()),
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append(
            "  ".join([row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))])
        )
    return "\n".join(lines) + "\n"


def demo(args: argparse.Namespace) -> int:
    args.overwrite = True
    steps = (generate, refresh)
    for step in steps:
        status = step(args)
        if status:
            return status
    from assets.publish.store import PublishedStore

    print(f"\nPublished tables (open read-only): {PublishedStore.beside(args.warehouse).current}\n")
    for kind in ("rfm_segment", "persona"):
        args.kind = kind
        report(args)
    print("Browse the asset graph:  ./scripts/ui   (dagster dev; then open http://localhost:3000)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # with --config, an explicit --landing is where the configuration's feed folders are
    args.landing_given = args.landing is not None
    args.landing = args.landing if args.landing is not None else Path(DEFAULT_LANDING)
    commands = {"generate": generate, "refresh": refresh, "report": report, "demo": demo}
    return {**commands, "rollback": rollback, "status": status, "docs": docs}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())

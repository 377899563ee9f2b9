"""Checks on the published assets: the evidence that gated a version, shown where analysts look.

The blocking checks run on the candidates before publication; their outcomes are repeated here
on the published asset (read back from the Dagster instance), beside checks on the version file
itself: its rows match the candidate and it opens read-only. They never block: they run after
the switch, so a failure warns (the version is already what analysts see) and names what to look at.
The file checks' names do not repeat the table's: the UI cuts long check names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from assets.publish.store import open_published
from assets.warehouse import quote_ident

ROWS_MATCH = "rows_match_candidate"
READABLE = "version_readable"


def gating_checks(candidate_checks: Iterable[dg.AssetChecksDefinition]) -> dict[dg.AssetKey, list[dg.AssetCheckSpec]]:
    """The blocking checks per candidate asset: what must pass before a version is published."""
    gating: dict[dg.AssetKey, list[dg.AssetCheckSpec]] = {}
    for checks in candidate_checks:
        for spec in checks.check_specs:
            if spec.blocking:
                gating.setdefault(spec.asset_key, []).append(spec)
    return gating


def published_check_specs(
    tables: Mapping[str, tuple[dg.AssetKey, dg.AssetKey]], gating: Mapping[dg.AssetKey, list[dg.AssetCheckSpec]]
) -> list[dg.AssetCheckSpec]:
    """Per published table (its key and its candidate's key): the file checks and the gating checks' mirrors."""
    specs = []
    for table, (key, candidate) in tables.items():
        specs += [
            dg.AssetCheckSpec(
                ROWS_MATCH,
                asset=key,
                description=f"The published `{table}` has as many rows as `{candidate.to_user_string()}` had.",
            ),
            dg.AssetCheckSpec(
                READABLE,
                asset=key,
                description=f"The version file opens read-only and `{table}` can be read from it.",
            ),
        ]
        if candidate.path[-1] == table:  # the candidate of the same name: its checks gated this table
            specs += [
                dg.AssetCheckSpec(
                    gate.name,
                    asset=key,
                    description=f"Gated this version on `{candidate.to_user_string()}`: {gate.description or ''}",
                )
                for gate in gating.get(candidate, [])
            ]
    return specs


def published_check_results(
    instance: dg.DagsterInstance,
    run_id: str,
    specs: Iterable[dg.AssetCheckSpec],
    tables: Mapping[str, tuple[dg.AssetKey, dg.AssetKey]],
    version_file: Path,
    counts: Mapping[str, int],
    candidate_counts: Mapping[str, int],
) -> Iterator[dg.AssetCheckResult]:
    """One result per spec: the file's checks read from `version_file`, the gates from the instance."""
    table_of = {key: table for table, (key, _) in tables.items()}
    candidate_of = {key: candidate for key, candidate in tables.values()}
    readable = _readable_tables(version_file, list(tables))
    for spec in specs:
        table = table_of[spec.asset_key]
        if spec.name == ROWS_MATCH:
            published, candidate = counts.get(table), candidate_counts.get(table)
            yield _result(
                spec,
                published is not None and published == candidate,
                {"published_rows": _int(published), "candidate_rows": _int(candidate)},
            )
        elif spec.name == READABLE:
            error = readable.get(table)
            yield _result(spec, error is None, {"version_file": dg.MetadataValue.path(str(version_file))}, error)
        else:
            yield _gate_result(instance, run_id, spec, candidate_of[spec.asset_key])


def _gate_result(
    instance: dg.DagsterInstance, run_id: str, spec: dg.AssetCheckSpec, candidate: dg.AssetKey
) -> dg.AssetCheckResult:
    """The outcome of the candidate's check of the same name, preferably from this run."""
    record = instance.get_latest_asset_check_evaluation_record(dg.AssetCheckKey(candidate, spec.name))
    if record is None or record.status not in (
        AssetCheckExecutionRecordStatus.SUCCEEDED,
        AssetCheckExecutionRecordStatus.FAILED,
    ):
        return _result(
            spec, False, {"gating_run": "none"}, f"`{spec.name}` on the candidate has no finished evaluation"
        )
    metadata: dict[str, dg.RawMetadataValue] = {
        "gating_check": f"{spec.name} on {candidate.to_user_string()}",
        "gating_run": dg.MetadataValue.dagster_run(record.run_id),
        "gated_in_this_run": record.run_id == run_id,
    }
    passed = record.status == AssetCheckExecutionRecordStatus.SUCCEEDED
    evaluation = record.event.asset_check_evaluation if record.event else None
    if evaluation is not None:
        for name in ("rows_validated", "expectations_evaluated", "expectations_failed", "data_docs_url"):
            if name in evaluation.metadata:
                metadata[name] = evaluation.metadata[name]
    return _result(spec, passed and record.run_id == run_id, metadata, _gate_problem(passed, record.run_id, run_id))


def _gate_problem(passed: bool, gating_run: str, run_id: str) -> str | None:
    if not passed:
        return "the gating check failed"
    if gating_run != run_id:
        return "the gating check did not run in the run that published this version (last passed in another run)"
    return None


def _readable_tables(version_file: Path, tables: list[str]) -> dict[str, str]:
    """Per table that cannot be read from the version file: why."""
    problems: dict[str, str] = {}
    try:
        with open_published(version_file) as con:
            for table in tables:
                try:
                    con.execute(f"select count(*) from published.main.{quote_ident(table)}").fetchone()
                except duckdb.Error as exc:
                    problems[table] = f"`{table}` cannot be read: {exc}"
    except duckdb.Error as exc:
        return dict.fromkeys(tables, f"the version file does not open: {exc}")
    return problems


def _int(value: int | None) -> dg.MetadataValue:
    return dg.MetadataValue.int(value) if value is not None else dg.MetadataValue.text("unknown")


def _result(
    spec: dg.AssetCheckSpec, passed: bool, metadata: dict[str, dg.RawMetadataValue], problem: str | None = None
) -> dg.AssetCheckResult:
    if problem:
        metadata = {**metadata, "problem": problem}
    return dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=spec.description,
    )

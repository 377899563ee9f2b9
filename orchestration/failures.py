"""What went wrong in a refresh, one line per problem, root cause first, like a good compiler's errors.

A failed step's error reaches us wrapped by Dagster ("Error occurred while executing op ...")
and sometimes replaced by a later error raised while handling it (a failed rollback after a full
disk). The line follows the error's `cause` chain to the user's error, prefers the original of an
error raised during handling, and names the project file and line it was raised at. A failed
check is summarised from its metadata: the files that failed, the expectations with sample
values, the dbt test's failing rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

from assets.ingest.pii import safe_message

if TYPE_CHECKING:  # what Dagster's failure events carry
    from dagster_shared.error import SerializableErrorInfo

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MAX_LINE = 600
SHOWN = 3
DBT_ERRORS = "Errors parsed from dbt logs:"
_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)')


def failures(result: dg.ExecuteInProcessResult, *, include_warnings: bool = False) -> list[str]:
    """One line per failed step or failed blocking (error-severity) check, in the order they happened.

    Checks that fail with WARN severity do not stop publication; ``include_warnings`` lists them too.
    Lines are printed and logged, so contact values an error quotes are masked (`safe_message`).
    """
    lines = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            described = describe_error(error) if error else "unknown error"
            lines.append(safe_message(f"step {event.step_key} failed: {described}", MAX_LINE))
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            blocking = evaluation.severity == dg.AssetCheckSeverity.ERROR
            if not evaluation.passed and (blocking or include_warnings):
                kind = "check" if blocking else "warning"
                target = evaluation.asset_key.to_user_string()
                details = check_details({k: v.value for k, v in evaluation.metadata.items()})
                lines.append(safe_message(f"{kind} {evaluation.check_name} on {target} failed: {details}", MAX_LINE))
    return lines


def root_cause(error: SerializableErrorInfo) -> tuple[SerializableErrorInfo, SerializableErrorInfo | None]:
    """The user's error at the end of the `cause` chain, and a later error that replaced it, if any.

    An error raised while handling another (``context``, Python's "during handling of the above
    exception") hides the original: the original is the root cause, the later one is reported after it.
    """
    while error.cause is not None:
        error = error.cause
    if error.context is not None:
        original = error.context
        while original.cause is not None:
            original = original.cause
        return original, error
    return error, None


def describe_error(error: SerializableErrorInfo) -> str:
    """The root cause's own message, where in the project it was raised, and an error that replaced it."""
    cause, later = root_cause(error)
    text = _message(cause)
    where = project_frame(cause)
    if where:
        text += f" (at {where})"
    if later is not None:
        text += f"; then, while handling it: {_message(later)}"
    return text


def project_frame(error: SerializableErrorInfo) -> str | None:
    """`path:line` of the innermost stack frame in the project's own code (not in a library), if any."""
    for frame in reversed(error.stack):
        match = _FRAME.search(frame)
        if not match:
            continue
        path = Path(match["file"])
        if path.is_relative_to(PROJECT_ROOT) and ".venv" not in path.parts:
            return f"{path.relative_to(PROJECT_ROOT)}:{match['line']}"
    return None


def _message(error: SerializableErrorInfo) -> str:
    """The error's message without Dagster's wrapping; dbt's own errors instead of its command line."""
    text = error.message.strip()
    if error.cls_name:  # "assets.clv.errors.CLVSettingError: ..." says the class twice
        text = re.sub(rf"^(?:[\w.]+\.)?{re.escape(error.cls_name)}: ", "", text)
    if DBT_ERRORS in text:
        parsed = [line.strip() for line in text.split(DBT_ERRORS, 1)[1].splitlines() if line.strip()]
        return "dbt build failed: " + " | ".join(parsed[: SHOWN * 2])
    text = " ".join(text.split())
    return f"{text} ({error.cls_name})" if error.cls_name and error.cls_name not in _PLAIN else text


# errors whose class says nothing their message does not: the project's own, worded for the user
_PLAIN = {"CLVDataError", "CLVSettingError", "NoSpendError", "FeedFileError", "FeedConfigError"}
_PLAIN |= {"SegmentationConfigError", "PublishedFileUnreadable", "DagsterDbtCliRuntimeError"}


def check_details(metadata: Mapping[str, Any]) -> str:
    """A failed check's metadata in a few words: what failed, with sample values."""
    if metadata.get("failed_files"):
        return "; ".join(f"{f['file']}: {f['problem']}" for f in metadata["failed_files"][:SHOWN])
    if metadata.get("failed_expectations"):
        return "; ".join(_expectation(e) for e in metadata["failed_expectations"][:SHOWN])
    if "dagster_dbt/failed_row_count" in metadata:
        rows = metadata.get("failing_rows") or []
        text = f"{metadata['dagster_dbt/failed_row_count']} failing row(s)"
        return text + (": " + "; ".join(_row(r) for r in rows[:SHOWN]) if rows else "")
    shown = {k: v for k, v in metadata.items() if not k.startswith(("dagster", "Execution", "unique_id", "invocation"))}
    return ", ".join(f"{k}: {v}" for k, v in shown.items()) or "no details"


def _expectation(failed: Mapping[str, Any]) -> str:
    name = str(failed.get("expectation", "")).removeprefix("expect_column_values_to_")
    column = failed.get("column")
    count = failed.get("unexpected_count")
    samples = failed.get("sample_values") or []
    text = f"{column}: {name}" if column else name
    if count is not None:
        text += f", {count} row(s)"
    if samples:
        text += f", e.g. {', '.join(repr(s) for s in samples[:SHOWN])}"
    if failed.get("error"):
        text += f" ({failed['error']})"
    return text


def _row(row: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in row.items()) + "}"

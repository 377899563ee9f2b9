"""Failure lines name the root cause: the user's error behind Dagster's wrapping, with its file and line."""

import traceback

from dagster_shared.error import SerializableErrorInfo

from assets.clv.errors import CLVSettingError
from assets.clv.settings import checked_calibration_end
from orchestration.failures import check_details, describe_error, root_cause


class StepError(Exception):
    """Stands in for Dagster's "Error occurred while executing op" wrapper."""


def wrapped(raise_inner) -> object:
    try:
        try:
            raise_inner()
        except Exception as exc:
            raise StepError('Error occurred while executing op "customer_clv":') from exc
    except StepError as exc:
        return SerializableErrorInfo.from_traceback(traceback.TracebackException.from_exception(exc))


def test_the_cause_chain_leads_to_the_users_error_and_its_line():
    from datetime import date

    error = wrapped(lambda: checked_calibration_end("2030-01-01", date(2026, 6, 30)))
    cause, later = root_cause(error)
    assert cause.cls_name == CLVSettingError.__name__ and later is None
    text = describe_error(error)
    assert text.startswith("calibration_end 2030-01-01 is after the as-of date 2026-06-30")
    assert "Error occurred while executing op" not in text
    assert "(at assets/clv/settings.py:" in text


def test_an_error_raised_while_handling_another_keeps_the_original():
    def handled():
        try:
            raise OSError(28, "No space left on device")
        except OSError:
            raise RuntimeError("cannot rollback - no transaction is active")  # noqa: B904 - as duckdb does

    text = describe_error(wrapped(handled))
    assert text.startswith("[Errno 28] No space left on device (OSError)")
    assert text.endswith("then, while handling it: cannot rollback - no transaction is active (RuntimeError)")


def test_check_details_name_files_expectations_and_failing_rows():
    files = {"failed_files": [{"file": "/l/purchases/12_empty.csv", "problem": "the file is empty (0 bytes)"}]}
    assert check_details(files) == "/l/purchases/12_empty.csv: the file is empty (0 bytes)"
    expectation = {
        "expectation": "expect_column_values_to_be_between",
        "column": "income_usd",
        "unexpected_count": 1,
        "sample_values": [900000000000],
    }
    assert (
        check_details({"failed_expectations": [expectation]}) == "income_usd: be_between, 1 row(s), e.g. 900000000000"
    )
    dbt = {"dagster_dbt/failed_row_count": 1, "failing_rows": [{"order_id": "O2", "currency_code": "EUR"}]}
    assert check_details(dbt) == "1 failing row(s): {order_id: 'O2', currency_code: 'EUR'}"


def test_a_failure_line_masks_contact_values_the_error_quotes():
    import dagster as dg

    from orchestration.failures import MAX_LINE, failures

    @dg.asset
    def parsed() -> None:
        raise ValueError("could not convert 'ann.lee@example.com' (+44 20 7946 0000) to a date" + " x" * 400)

    result = dg.materialize([parsed], raise_on_error=False)
    [line] = failures(result)
    assert line.startswith("step parsed failed: could not convert '<email>' (<phone>) to a date")
    assert "ann.lee" not in line and "7946" not in line and len(line) <= MAX_LINE

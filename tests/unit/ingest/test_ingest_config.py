"""The feeds configuration is checked before any data is read: each mistake names its key and what is valid."""

from pathlib import Path

import pytest

from assets.ingest.config import FeedConfigError, default_config, load_config

PURCHASES_KEY = "feeds.purchases"
BAD_CONFIGS = {
    "columns as a list": (
        "feeds:\n  purchases:\n    columns: [order_id, customer_id]\n",
        f"{PURCHASES_KEY}.columns: must be a mapping",
    ),
    "a column as a mapping": (
        "feeds:\n  purchases:\n    columns: {order_id: {a: b}, customer_id: c, ordered_at: d, unit_price: u}\n",
        f"{PURCHASES_KEY}.columns.order_id: must be the file's column name, its 1-based position or a list",
    ),
    "return_statuses as a string": (
        "feeds:\n  purchases:\n    return_statuses: returned\n",
        f"{PURCHASES_KEY}.return_statuses: must be a list of values, e.g. `return_statuses: [a, b]`",
    ),
    "required as a string": (
        "feeds:\n  purchases:\n    required: channel\n",
        f"{PURCHASES_KEY}.required: must be a list of values",
    ),
    "timestamp_formats as a string": (
        "feeds:\n  purchases:\n    timestamp_formats: '%Y-%m-%d'\n",
        f"{PURCHASES_KEY}.timestamp_formats: must be a list of values",
    ),
    "date_formats as a string": (
        "feeds:\n  signups:\n    date_formats: '%Y-%m-%d'\n  purchases: {}\n",
        "feeds.signups.date_formats: must be a list of values",
    ),
    "header as text": (
        "feeds:\n  purchases:\n    header: 'false'\n",
        f"{PURCHASES_KEY}.header: must be true or false (without quotes), got str 'false'",
    ),
    "a two-character quote": (
        "feeds:\n  purchases:\n    quote: \"''\"\n",
        f"{PURCHASES_KEY}.quote: must be one single-byte character such as",
    ),
    "an empty quote": ("feeds:\n  purchases:\n    quote: ''\n", "or null for no quoting"),
    "a two-character delimiter": (
        "feeds:\n  purchases:\n    delimiter: ';;'\n",
        f"{PURCHASES_KEY}.delimiter: must be one single-byte character such as ',' ';' '|' or '\\t'",
    ),
    "a glob that is a number": ("feeds:\n  purchases:\n    glob: 42\n", f"{PURCHASES_KEY}.glob: must be text"),
    "an unknown currency constant": (
        "feeds:\n  purchases:\n    constants: {currency: XYZ}\n",
        f"{PURCHASES_KEY}.constants.currency: 'XYZ' is not an ISO 4217 currency code (e.g. USD, EUR)",
    ),
    "a quantity constant in words": (
        "feeds:\n  purchases:\n    constants: {quantity: two}\n",
        f"{PURCHASES_KEY}.constants.quantity: cannot read 'two' as integer",
    ),
    "as_of not a date": (
        "feeds:\n  purchases: {}\nrefresh:\n  as_of: notadate\n",
        "refresh.as_of: must be a date YYYY-MM-DD, got str 'notadate'",
    ),
    "calibration_end not a date": (
        "feeds:\n  purchases: {}\nrefresh:\n  calibration_end: '2024-13-01'\n",
        "refresh.calibration_end: must be a date YYYY-MM-DD",
    ),
    "an unknown time unit": (
        "feeds:\n  purchases: {}\nrefresh:\n  time_unit: fortnights\n",
        "refresh.time_unit: must be one of days, weeks, got str 'fortnights'",
    ),
    "an unknown purchase model": (
        "feeds:\n  purchases: {}\nrefresh:\n  purchase_model: gamma\n",
        "refresh.purchase_model: must be one of auto, bgnbd, pareto_nbd",
    ),
    "horizon_months as text": (
        "feeds:\n  purchases: {}\nrefresh:\n  horizon_months: twelve\n",
        "refresh.horizon_months: must be a whole number of at least 1",
    ),
    "a negative horizon": (
        "feeds:\n  purchases: {}\nrefresh:\n  horizon_months: -3\n",
        "refresh.horizon_months: must be a whole number of at least 1, got int -3",
    ),
    "backtest_holdout_days as a fraction": (
        "feeds:\n  purchases: {}\nrefresh:\n  backtest_holdout_days: 0.5\n",
        "refresh.backtest_holdout_days: must be a whole number",
    ),
    "a discount rate as text": (
        "feeds:\n  purchases: {}\nrefresh:\n  monthly_discount_rate: 1%\n",
        "refresh.monthly_discount_rate: must be a number from 0 to below 1",
    ),
}


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_a_bad_configuration_names_the_key_and_what_would_be_valid(tmp_path: Path, text: str, message: str):
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_a_valid_configuration_loads_with_its_settings(tmp_path: Path):
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n"
        "  purchases:\n"
        "    folder: shop\n"
        "    glob: '*.txt'\n"
        "    delimiter: ';'\n"
        "    quote: null\n"
        "    header: true\n"
        "    columns: {order_id: Order, customer_id: Customer, ordered_at: Date, quantity: Qty, line_amount: Total}\n"
        "    constants: {currency: EUR, channel: shop}\n"
        "    timestamp_formats: ['%d.%m.%Y %H:%M']\n"
        "    date_formats: ['%d.%m.%Y']\n"
        "    required: [quantity]\n"
        "    return_statuses: [Storno]\n"
        "refresh:\n"
        "  as_of: 2025-06-30\n"
        "  calibration_end: '2025-03-31'\n"
        "  time_unit: days\n"
        "  purchase_model: bgnbd\n"
        "  horizon_months: 6\n"
        "  monthly_discount_rate: 0.01\n"
        "  backtest_holdout_days: 90\n",
        encoding="utf-8",
    )
    config = load_config(path)
    source = config.source("purchases")
    assert source is not None
    assert (source.folder, source.glob, source.delimiter, source.quote, source.header) == (
        tmp_path / "shop",
        "*.txt",
        ";",
        None,
        True,
    )
    assert source.constants == {"currency": "EUR", "channel": "shop"}
    assert (source.timestamp_formats, source.required, source.return_statuses) == (
        ("%d.%m.%Y %H:%M",),
        ("quantity",),
        ("storno",),
    )
    assert config.refresh["time_unit"] == "days" and config.refresh["horizon_months"] == 6


@pytest.mark.parametrize("feeds", [["signups"], ["signups", "surveys"], ["purchases"]])
def test_every_feed_is_optional_with_one_source_of_customers(tmp_path: Path, feeds: list[str]):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n" + "".join(f"  {feed}: {{}}\n" for feed in feeds))
    assert [s.feed.name for s in load_config(path).sources] == feeds


def test_surveys_alone_name_no_customers(tmp_path: Path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  surveys: {}\n")
    with pytest.raises(FeedConfigError, match=r"feeds: list at least one source of customers \(purchases, signups"):
        load_config(path)


def test_the_default_layout_reads_the_feed_folders_present(tmp_path: Path):
    (tmp_path / "signups").mkdir()
    (tmp_path / "surveys").mkdir()
    assert [s.feed.name for s in default_config(tmp_path).sources] == ["signups", "surveys"]
    # no feed folder at all: every feed, so the load names the folders it looked for
    assert [s.feed.name for s in default_config(tmp_path / "empty").sources] == [
        "purchases",
        "signups",
        "surveys",
        "campaign_responses",
    ]

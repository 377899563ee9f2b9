"""The reading keys of the feeds configuration: encoding, format xlsx with its sheet, and settle_seconds."""

from pathlib import Path

import pytest

from assets.ingest.config import DEFAULT_SETTLE_SECONDS, FeedConfigError, FeedSource, default_config, load_config
from assets.ingest.feeds import PURCHASES


def config(tmp_path: Path, settings: str):
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  purchases:\n{settings}", encoding="utf-8")
    return load_config(path).source("purchases")


@pytest.mark.parametrize("name", ["mac_roman", "MacRoman", "cp1252", "latin-1", "utf-16", "UTF8", "utf-8-sig", "cp850"])
def test_every_text_codec_python_knows_is_accepted(tmp_path, name):
    assert config(tmp_path, f"    encoding: {name}\n").encoding == ("utf-8" if name == "UTF8" else name.lower())


@pytest.mark.parametrize("name", ["klingon", "base64", "rot13"])
def test_an_unknown_or_non_text_codec_names_the_key(tmp_path, name):
    with pytest.raises(
        FeedConfigError, match=rf"feeds\.purchases\.encoding: '{name}' is not a text encoding Python knows"
    ):
        config(tmp_path, f"    encoding: {name}\n")


def test_xlsx_with_a_sheet_and_a_sheet_only_for_workbooks(tmp_path):
    source = config(tmp_path, "    format: xlsx\n    sheet: Orders\n")
    assert (source.format, source.sheet, source.glob) == ("xlsx", "Orders", "*.xlsx")
    with pytest.raises(FeedConfigError, match=r"feeds\.purchases\.sheet: only xlsx workbooks have sheets"):
        config(tmp_path, "    sheet: Orders\n")


def test_a_sheet_changes_the_reading_fingerprint_only_when_set():
    plain = FeedSource(PURCHASES, Path("p"))
    assert FeedSource(PURCHASES, Path("p"), sheet=None).reading_fingerprint() == plain.reading_fingerprint()
    assert FeedSource(PURCHASES, Path("p"), sheet="Orders").reading_fingerprint() != plain.reading_fingerprint()


def test_settle_seconds_default_and_errors(tmp_path):
    assert config(tmp_path, "    folder: purchases\n").settle_seconds == DEFAULT_SETTLE_SECONDS
    assert default_config(tmp_path).source("purchases").settle_seconds == DEFAULT_SETTLE_SECONDS
    assert config(tmp_path, "    settle_seconds: 0\n").settle_seconds == 0
    for bad in ("-1", "'2'", "true", "9999"):
        with pytest.raises(FeedConfigError, match=r"feeds\.purchases\.settle_seconds: must be a number of seconds"):
            config(tmp_path, f"    settle_seconds: {bad}\n")


def test_unterminated_last_line_choices_errors_and_fingerprint(tmp_path):
    assert config(tmp_path, "    folder: purchases\n").unterminated_last_line == "quarantine"
    assert config(tmp_path, "    unterminated_last_line: load\n").unterminated_last_line == "load"
    with pytest.raises(
        FeedConfigError, match=r"feeds\.purchases\.unterminated_last_line: must be quarantine .* or load"
    ):
        config(tmp_path, "    unterminated_last_line: keep\n")
    plain = FeedSource(PURCHASES, Path("p"))
    assert FeedSource(PURCHASES, Path("p"), unterminated_last_line="quarantine").reading_fingerprint() == (
        plain.reading_fingerprint()
    )
    assert FeedSource(PURCHASES, Path("p"), unterminated_last_line="load").reading_fingerprint() != (
        plain.reading_fingerprint()
    )

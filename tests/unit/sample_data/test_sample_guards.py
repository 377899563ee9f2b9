"""What the generator refuses, what overwrite replaces, and the progress bar."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sample_data import generate_feeds
from sample_data.progress import ProgressBar


def test_refuses_fewer_than_100_customers(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="customers must be at least 100, got 99"):
        generate_feeds(tmp_path, customers=99, progress=False)
    assert not any(tmp_path.iterdir())


def test_refuses_a_history_too_short_for_the_signup_window(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="history_days must be at least 60"):
        generate_feeds(tmp_path, customers=100, history_days=30, progress=False)


def test_refuses_a_landing_folder_with_feed_files_and_names_them(tmp_path: Path) -> None:
    (tmp_path / "purchases").mkdir()
    (tmp_path / "purchases" / "old.csv").write_text("order_id\n")
    with pytest.raises(ValueError, match=r"already holds files in purchases/ \(1 file\).*overwrite=True"):
        generate_feeds(tmp_path, customers=100, progress=False)
    assert (tmp_path / "purchases" / "old.csv").exists()


def test_overwrite_replaces_only_the_folders_the_generator_writes(tmp_path: Path) -> None:
    for folder in ("purchases", "_truth", "other_feed"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "old.csv").write_text("x\n")
    summary = generate_feeds(tmp_path, customers=100, progress=False, overwrite=True)
    assert not (tmp_path / "purchases" / "old.csv").exists()
    assert not (tmp_path / "_truth" / "old.csv").exists()
    assert (tmp_path / "other_feed" / "old.csv").exists()
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file() and "other_feed" not in p.parts) == sorted(
        summary.files
    )


def test_empty_feed_folders_are_no_reason_to_refuse(tmp_path: Path) -> None:
    (tmp_path / "signups").mkdir()
    assert generate_feeds(tmp_path, customers=100, progress=False).customers == 100


def test_progress_goes_to_stderr_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate_feeds(tmp_path / "quiet", customers=100, progress=False)
    quiet = capsys.readouterr()
    assert quiet.err == "" and quiet.out == ""
    generate_feeds(tmp_path / "loud", customers=200, progress=True, customers_per_file=100)
    loud = capsys.readouterr()
    assert loud.out == ""
    assert "1/2 chunks, 100/200 customers" in loud.err
    assert "2/2 chunks, 200/200 customers" in loud.err


def test_progress_bar_fills_with_chunks_done() -> None:
    stream = io.StringIO()
    bar = ProgressBar(4, 400, enabled=True, stream=stream)
    bar.update(1, 100)
    bar.update(4, 400)
    first, last = stream.getvalue().splitlines()
    assert "[#######......" in first and "1/4 chunks, 100/400 customers" in first
    assert "[" + "#" * 30 + "]" in last

"""`segmentation.yaml` is read when segmenting starts, not at import: a bad edit fails the refresh only."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import yaml

from assets.segments import config
from assets.segments.config import DEFAULT_PATH, SegmentationConfigError
from assets.segments.rfm import rfm_scores

PROJECT = Path(__file__).resolve().parents[3]
BAD_KEY = r"age_bands\[2\].below: 20 must be above the previous band's 35"
# Points the loader at the broken file, imports the whole code location, then starts segmenting.
SCRIPT = """
import sys
from pathlib import Path

import assets.segments.config as config

config.DEFAULT_PATH = Path(sys.argv[1])
import orchestration.definitions  # assets, checks, jobs, schedules and sensors

from assets.segments.assets import customer_segments
from orchestration.resources import Landing, Warehouse

print("imported")
try:
    customer_segments(warehouse=Warehouse(path=sys.argv[2]), landing=Landing(path=sys.argv[2]))
except config.SegmentationConfigError as error:
    print(f"refused: {error}")
"""


@pytest.fixture
def broken_config(tmp_path: Path) -> Path:
    """The shipped settings with one band edited out of order."""
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["age_bands"][2]["below"] = 20
    path = tmp_path / "segmentation.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.fixture
def reread_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Lets a test point the default loader elsewhere; the shipped settings are re-read afterwards."""
    config.default_config.cache_clear()
    yield
    monkeypatch.undo()
    config.default_config.cache_clear()


def test_a_broken_file_does_not_break_the_import_but_fails_segmenting(broken_config: Path, tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(broken_config), str(tmp_path / "warehouse.duckdb")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0] == "imported"
    assert lines[1].startswith(f"refused: {broken_config}: ")
    assert "age_bands[2].below: 20 must be above the previous band's 35" in lines[1]


def test_the_default_settings_are_read_when_a_rule_runs(
    broken_config: Path, reread_settings: None, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(config, "DEFAULT_PATH", broken_config)
    frame = pl.DataFrame(
        {
            "customer_id": ["a"],
            "order_count": [1],
            "recency_days": [3],
            "repeat_purchase_day_count": [0],
            "revenue_usd": [10.0],
        }
    )
    with pytest.raises(SegmentationConfigError, match=BAD_KEY):
        rfm_scores(frame)

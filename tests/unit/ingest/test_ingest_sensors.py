from pathlib import Path

from assets.ingest.config import default_config
from orchestration.sensors import changed_files, landing_fingerprints


def test_only_new_or_changed_feed_files_count(tmp_path: Path):
    (tmp_path / "purchases").mkdir()
    (tmp_path / "signups").mkdir()
    first = tmp_path / "purchases" / "a.csv"
    first.write_text("x\n")
    (tmp_path / "purchases" / "_partial.csv").write_text("ignored\n")
    seen = landing_fingerprints(default_config(tmp_path))
    assert list(seen) == [str(first)]
    assert changed_files(seen, seen) == []

    second = tmp_path / "signups" / "b.csv"
    second.write_text("y\n")
    first.write_text("x changed\n")
    assert changed_files(landing_fingerprints(default_config(tmp_path)), seen) == sorted([str(first), str(second)])

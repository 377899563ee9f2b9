from pathlib import Path

from assets.ingest.config import default_config, load_config
from sample_data.config import write_feeds_config


def test_the_generated_feeds_config_reads_the_sample_layout(tmp_path: Path):
    config = load_config(write_feeds_config(tmp_path, customers=100, seed=1))
    default = default_config(tmp_path.resolve())
    assert [(s.feed.name, s.folder, s.glob, s.format, s.header) for s in config.sources] == [
        (s.feed.name, s.folder, s.glob, s.format, s.header) for s in default.sources
    ]


def test_the_generated_feeds_config_is_plain_yaml_a_user_can_copy(tmp_path: Path):
    text = write_feeds_config(tmp_path, customers=100, seed=1).read_text(encoding="utf-8")
    # no anchors or aliases (`&id001`, `*id001`): each feed's settings are written out in full
    assert "&id" not in text and "*id" not in text
    assert text.count("timestamp_formats:") == 4  # one per feed
    assert "derive" in text and "reporting_currency: USD" in text

"""Same seed and arguments, same bytes; another seed, other data; a chunk does not depend on later ones."""

from __future__ import annotations

from pathlib import Path

from sample_data import generate_feeds

SEED_FREE = {"_truth/channel_response.csv", "_truth/co_purchases.csv"}
"""Planted rates and pairs: constants of the generator, the same for every seed."""


def contents(landing: Path) -> dict[str, bytes]:
    return {str(p.relative_to(landing)): p.read_bytes() for p in sorted(landing.rglob("*")) if p.is_file()}


def generate(landing: Path, **options: int) -> dict[str, bytes]:
    generate_feeds(landing, progress=False, customers_per_file=150, **{"customers": 300, "seed": 5, **options})
    return contents(landing)


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first, second = generate(tmp_path / "a"), generate(tmp_path / "b")
    assert len(first) == 4 * 2 + 4 + 1  # two chunks of four feeds, four truth files, feeds.yaml
    assert first == second


def test_another_seed_writes_other_data(tmp_path: Path) -> None:
    first, other = generate(tmp_path / "a"), generate(tmp_path / "b", seed=6)
    assert first.keys() == other.keys()
    for name in first.keys() - SEED_FREE:
        assert first[name] != other[name], name


def test_a_chunk_is_the_same_whatever_follows_it(tmp_path: Path) -> None:
    short, longer = generate(tmp_path / "a"), generate(tmp_path / "b", customers=450)
    for feed in ("purchases", "signups", "surveys", "campaign_responses"):
        assert short[f"{feed}/{feed}_00001.csv"] == longer[f"{feed}/{feed}_00001.csv"]

"""GX Data Docs pages open offline: nothing fetched from the internet, every link resolves, the run named."""

import re
from pathlib import Path

import polars as pl
import pytest

from expectations.data_docs import make_offline


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from expectations.suites import customer_clv_suite
    from expectations.validation import validate_frame

    frame = pl.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "p_alive": [0.5, 1.5],
            "expected_purchases": [1.0, 2.0],
            "expected_spend_usd": [10.0, 20.0],
            "clv_usd": [9.0, 18.0],
        }
    )
    outcome = validate_frame(customer_clv_suite(), frame, data_docs=tmp_path_factory.mktemp("docs") / "v000042")
    assert not outcome.success and outcome.data_docs is not None
    return outcome.data_docs


def test_the_page_loads_nothing_from_the_internet(page: Path):
    text = page.read_text()
    assert not re.findall(r"""(?:src|href)=["'](?:https?:)?//""", text)
    assert not re.findall(r"url\(['\"]?https?://", text)
    assert "<script>" not in text  # GX's inline scripts need jQuery; the local script replaces them


def test_every_local_link_and_resource_exists(page: Path):
    targets = re.findall(r"""(?:src|href)=["']([^"'#][^"']*)["']""", page.read_text())
    assert {"index.html", "static/offline.css", "static/offline.js", "static/favicon.ico"} <= set(targets)
    assert [t for t in targets if not (page.parent / t).exists()] == []
    assert (page.parent / "static" / "logo-long.png").stat().st_size > 0


def test_the_run_is_named_by_the_version(page: Path):
    text = page.read_text()
    assert "__none__" not in text
    assert re.search(r"Run Name</div></td><td[^>]*><div[^>]*>v000042<", text)


def test_the_index_lists_the_page_with_local_styles(page: Path):
    index = (page.parent / "index.html").read_text()
    assert 'href="customer_clv.html"' in index and "static/offline.css" in index


def test_remote_tags_are_removed_and_site_links_point_home():
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/b.css"/>'
        '<script src="//cdn.example/j.js"></script></head><body>'
        '<img src="https://s3.example/logo.png?d=1"><a href="../../../../expectations/s.html">s</a>'
        '<link rel="shortcut icon" href="../../../static/images/favicon.ico"/>'
        "<style>.x{background:url('https://s3.example/x.png') 0 0}</style><footer><a href='https://x'>n</a></footer>"
        "</body></html>"
    )
    offline = make_offline(html)
    assert "example" not in offline and "footer" not in offline
    assert 'src="static/logo-long.png"' in offline and 'href="index.html"' in offline
    assert 'href="static/favicon.ico"' in offline and 'src="static/offline.js"' in offline

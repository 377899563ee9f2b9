"""GX Data Docs pages open offline: nothing fetched from the internet, every link resolves, the run named."""

import re
import threading
import urllib.error
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from assets.report.serve import docs_server
from expectations.checks import suite_check_result
from expectations.data_docs import make_offline
from expectations.validation import SuiteOutcome


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> SuiteOutcome:
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
    folder = tmp_path_factory.mktemp("published") / "data_docs" / "v000042"
    outcome = validate_frame(customer_clv_suite(), frame, data_docs=folder)
    assert not outcome.success and outcome.data_docs is not None
    return outcome


@pytest.fixture(scope="module")
def page(outcome: SuiteOutcome) -> Path:
    assert outcome.data_docs is not None
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


def test_the_check_shows_every_expectation_and_links_the_served_page(outcome: SuiteOutcome):
    metadata = suite_check_result(outcome).metadata
    table = metadata["expectations"].value
    assert "| **failed** | p_alive | column_values_to_be_between | 1 (50 %) |" in table
    assert "| passed | customer_id | column_values_to_be_unique | 0 |" in table
    assert metadata["data_docs"].value == str(outcome.data_docs)
    assert metadata["data_docs_url"].value == "http://127.0.0.1:3070/data_docs/v000042/customer_clv.html"


def test_the_docs_server_serves_pages_and_nothing_else(outcome: SuiteOutcome):
    assert outcome.data_docs is not None
    root = outcome.data_docs.parent.parent.parent
    (root / "exports" / "v000042").mkdir(parents=True)
    (root / "exports" / "v000042" / "loyal.csv").write_text("customer_id,email\nC1,someone@example.org\n")
    server = docs_server(root, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{base}/data_docs/v000042/customer_clv.html") as response:
            assert response.status == 200 and b"v000042" in response.read()
        with urllib.request.urlopen(f"{base}/data_docs/v000042/static/offline.css") as response:
            assert response.status == 200
        for hidden in ("exports/v000042/loyal.csv", "data_docs/../exports/v000042/loyal.csv", ""):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{base}/{hidden}")
            assert refused.value.code == 404
    finally:
        server.shutdown()
        server.server_close()

"""The Dagster UI and the stakeholder report in a real browser (Debian's Chromium driven by Playwright).

One refresh of the sample feeds is recorded in a Dagster home of its own; `dagster-webserver`
serves that instance on a free loopback port, `segments docs`' server serves the reports and
Data Docs, and Chromium visits the lineage graph, the published asset, its checks, the report
and a Data Docs page, taking a screenshot of each (into the test's folder; with
`SEGMENTS_SCREENSHOTS=1` also into `data/screenshots/`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pytest

from assets.features.dbt import prepare_dbt_manifest
from assets.publish.store import PublishedStore
from assets.report.serve import docs_server
from orchestration.refresh import failures, run_refresh

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine has no network: background connections are refused
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parents[2]
UI_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="no /usr/bin/chromium: run scripts/browser-deps (CI always installs it)",
    ),
]


@dataclass(frozen=True)
class Ui:
    dagster: str
    docs: str
    store: PublishedStore
    page: Page
    shots: Path
    requested: list[str]

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        if os.environ.get("SEGMENTS_SCREENSHOTS"):
            kept = PROJECT / "data" / "screenshots"
            kept.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, kept / path.name)
        return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"dagster-webserver exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"dagster-webserver did not answer within {timeout} s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def ui(sample_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ui]:
    from playwright.sync_api import expect, sync_playwright

    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copyfile(PROJECT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    warehouse = root / "data" / "warehouse.duckdb"  # the UI's default path, relative to its folder
    store = PublishedStore.beside(warehouse)
    prepare_dbt_manifest()  # the code location needs it; then the server boots while the pipeline runs
    port, log = _free_port(), root / "webserver.log"
    bin_dir = Path(sys.executable).parent  # dagster-webserver, and dbt for the code location
    env = {**os.environ, "DAGSTER_HOME": str(home), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(bin_dir / "dagster-webserver"), "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            result = run_refresh(warehouse, sample_landing, instance=instance)
        assert result.success, failures(result)
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise
    requested: list[str] = []
    docs = docs_server(store.root, port=0)
    threading.Thread(target=docs.serve_forever, daemon=True).start()
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/server_info", server, log)
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(root / "chromium-profile"),  # a fresh user-data dir
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1600, "height": 1000},
            )
            context.set_default_timeout(UI_TIMEOUT_MS)
            expect.set_options(timeout=UI_TIMEOUT_MS)
            page = context.new_page()
            # Dagster's first-visit "Join the Dagster community" dialog covers the page: skip it when it shows
            page.add_locator_handler(
                page.get_by_text("Join the Dagster community"),
                lambda _: page.get_by_role("button", name="Skip").click(),
            )
            page.on("request", lambda request: requested.append(request.url))
            shots = root / "screenshots"
            shots.mkdir()
            yield Ui(
                dagster=f"http://127.0.0.1:{port}",
                docs=f"http://127.0.0.1:{docs.server_address[1]}",
                store=store,
                page=page,
                shots=shots,
                requested=requested,
            )
            context.close()
    finally:
        docs.shutdown()
        docs.server_close()
        server.terminate()
        server.wait(timeout=30)


def _expect():  # playwright is imported when the tests run, not when they are collected
    from playwright.sync_api import expect

    return expect


def test_the_lineage_graph_runs_from_the_raw_feeds_to_the_published_tables(ui: Ui):
    expect = _expect()
    ui.page.set_viewport_size({"width": 1600, "height": 1300})
    ui.page.goto(f"{ui.dagster}/assets/segments/customer_segments?view=lineage&lineageScope=upstream&lineageDepth=6")
    for node in ("purchases", "signups", "surveys", "customer_clv", "customer_segments"):
        expect(ui.page.get_by_text(node, exact=True).last).to_be_visible()
    for group in ("ingest", "features", "clv", "segmentation", "publish"):
        expect(ui.page.get_by_text(group, exact=True).last).to_be_visible()
    ui.page.wait_for_timeout(1000)  # let the graph's edges settle before the picture
    ui.shot("lineage")
    ui.page.set_viewport_size({"width": 1600, "height": 1000})


def test_the_published_asset_shows_its_columns_preview_and_report(ui: Ui):
    expect = _expect()
    page = ui.page
    page.goto(f"{ui.dagster}/assets/segments/customer_segments")
    expect(page.get_by_text("Columns", exact=True)).to_be_visible()
    for column in ("customer_id", "rfm_segment", "value_tier", "churn_risk", "persona"):
        expect(page.get_by_text(column, exact=True).first).to_be_visible()
    expect(page.get_by_text("2,000").first).to_be_visible()  # row count
    ui.shot("published_asset")
    version = ui.store.current_version()
    report = page.get_by_role("row").filter(has_text="report_url")
    expect(report).to_contain_text(f"/reports/segments-v{version:06d}.html")
    page.get_by_role("row").filter(has_text="preview").get_by_text("[Show Markdown]").click()
    preview = page.get_by_role("dialog")
    expect(preview.get_by_role("columnheader", name="rfm_segment")).to_be_visible()
    expect(preview.get_by_role("cell").first).to_be_visible()
    ui.shot("published_preview")
    page.keyboard.press("Escape")


def test_the_candidate_checks_show_every_expectation_and_link_the_data_docs(ui: Ui):
    expect = _expect()
    page = ui.page
    page.goto(f"{ui.dagster}/assets/candidate/customer_segments?view=checks")
    expect(page.get_by_text("Checks (3)")).to_be_visible()
    page.get_by_title("customer_segments_pass_expectations").first.click()  # the list truncates names
    expect(page.get_by_text("data_docs_url")).to_be_visible()
    expect(page.get_by_text("http://127.0.0.1:3070/data_docs/")).to_be_visible()
    ui.shot("candidate_checks")
    page.get_by_text("[Show Markdown]").first.click()  # the `expectations` table, the only Markdown entry
    table = page.get_by_role("dialog")
    expect(table.get_by_role("columnheader", name="expectation")).to_be_visible()
    expect(table.get_by_role("cell", name="column_values_to_not_be_null").first).to_be_visible()
    ui.shot("candidate_check_expectations")
    page.keyboard.press("Escape")


def test_the_published_asset_shows_the_checks_that_gated_it(ui: Ui):
    expect = _expect()
    page = ui.page
    page.goto(f"{ui.dagster}/assets/segments/customer_segments?view=checks")
    expect(page.get_by_text("Checks", exact=True).first).to_be_visible()
    page.wait_for_timeout(2000)
    ui.shot("published_checks")
    expect(page.get_by_text("No checks defined for this asset")).to_have_count(0, timeout=5_000)
    for check in (
        "customer_segments_pass_expectations",
        "customer_segments_cover_every_customer",
        "rows_match_candidate",
        "version_readable",
    ):
        expect(page.get_by_title(check).first).to_be_visible(timeout=5_000)  # the list truncates names


def test_the_report_opens_offline_with_its_charts(ui: Ui):
    expect = _expect()
    page = ui.page
    version = ui.store.current_version()
    ui.requested.clear()
    page.goto(f"{ui.docs}/reports/segments-v{version:06d}.html")
    for heading in (
        "Segment sizes and value",
        "Personas",
        "CLV and churn by segment",
        "How customers moved since the previous version",
        "Data quality",
        "Model quality",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="RFM segment: customers per segment")).to_be_visible()
    assert page.locator("svg.chart").count() >= 8
    assert page.locator(".persona").count() >= 2
    ui.shot("report", full_page=True)
    assert [url for url in ui.requested if not url.startswith(ui.docs)] == []


def test_the_data_docs_open_styled_and_offline(ui: Ui):
    expect = _expect()
    page = ui.page
    version = ui.store.current_version()
    ui.requested.clear()
    page.goto(f"{ui.docs}/data_docs/v{version:06d}/customer_clv.html")
    expect(page.get_by_text("Run Name")).to_be_visible()
    expect(page.get_by_text(f"v{version:06d}", exact=True).first).to_be_visible()
    assert page.locator(".card").first.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    ui.shot("data_docs")
    assert [url for url in ui.requested if not url.startswith(ui.docs)] == []

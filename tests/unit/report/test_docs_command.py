"""`segments docs` serves the published folder's pages on localhost and prints where."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_docs_serves_the_current_versions_report_and_data_docs(tmp_path: Path):
    root = tmp_path / "w-published"
    root.mkdir()
    con = duckdb.connect(str(root / "segments.duckdb"))
    con.execute("create table publication as select 3::bigint as version, null::bigint as previous_version")
    con.close()
    (root / "reports").mkdir()
    (root / "reports" / "segments-v000003.html").write_text("<h1>report 3</h1>")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "docs",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [server.stdout.readline() for _ in range(3)]
        report_url = f"http://127.0.0.1:{port}/reports/segments-v000003.html"
        assert report_url in lines[1]
        assert f"http://127.0.0.1:{port}/data_docs/v000003/index.html" in lines[2]
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(report_url) as response:
                    assert response.read() == b"<h1>report 3</h1>"
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

"""GX Data Docs pages that work offline: local styles and scripts, valid links, the run named.

GX renders its pages for a hosted site: they load Bootstrap, jQuery, Font Awesome and Vega
from CDNs (12 files; offline the page is unstyled and its buttons dead), link to a site index
and suite pages a single rendered result does not have, take the logo from S3, and print
"Run Name __none__" when the result carries no run. This module renders the same GX page and
then makes it self-sufficient: remote tags are removed, a small local stylesheet (the subset
of Bootstrap the page uses) and a dependency-free script for its show/hide buttons are written
beside it, GX's own favicon and logo are copied from the installed package, dead links point
at the folder's index, and the run is named by the published version (``v000042``).
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATIC = "static"
GX_IMAGES = ("favicon.ico", "logo-long.png")
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#212529;font-size:.95rem}
a{color:#0d6efd}.container-fluid{padding:1rem 2rem}.row{display:flex;flex-wrap:wrap}
.col-12,.col-sm-12{flex:0 0 100%;max-width:100%}.col-md-2,.col-lg-2{flex:0 0 16.6%;max-width:16.6%}
.col-md-10,.col-lg-10{flex:0 0 83.3%;max-width:83.3%}.col-md-6,.col-lg-6{flex:0 0 50%;max-width:50%}
.col-md-4,.col-lg-4{flex:0 0 33.3%;max-width:33.3%}.col-md-8,.col-lg-8{flex:0 0 66.6%;max-width:66.6%}
.d-none,.modal,.ge-walkthrough-modal{display:none!important}.d-flex{display:flex}.sticky-top,.sticky{position:sticky;top:0}
.navbar{display:flex;align-items:center;padding:.5rem 1rem;background:#f8f9fa;border-bottom:1px solid #dee2e6}
.breadcrumb{display:flex;list-style:none;margin:0;padding:0}
.breadcrumb-item+.breadcrumb-item::before{content:"/";padding:0 .5rem}
.card{border:1px solid #dee2e6;border-radius:.3rem;margin-bottom:1rem}
.card-header{background:#f1f3f5;padding:.5rem .8rem}
.card-body{padding:.8rem}.table{width:100%;border-collapse:collapse;margin-bottom:1rem}
.table td,.table th{border-top:1px solid #dee2e6;padding:.4rem;vertical-align:top;text-align:left}
.table-sm td,.table-sm th{padding:.25rem}.table-responsive{overflow-x:auto}
.alert{padding:.6rem .9rem;border-radius:.3rem;margin-bottom:1rem}.alert-secondary{background:#e2e3e5}
.badge{display:inline-block;padding:.2em .45em;border-radius:.25rem;font-size:80%;font-weight:600}
.badge-secondary{background:#6c757d;color:#fff}.badge-info{background:#17a2b8;color:#fff}
.badge-success{background:#28a745;color:#fff}.badge-danger{background:#dc3545;color:#fff}
.btn{display:inline-block;padding:.3rem .7rem;border-radius:.25rem;border:1px solid transparent;cursor:pointer}
.btn-primary{background:#0d6efd;color:#fff}.btn-info{background:#17a2b8;color:#fff}.w-100{width:100%}
.text-success{color:#28a745}.text-danger{color:#dc3545}.text-muted{color:#6c757d}.lead{font-size:1.1rem}
.nav{list-style:none;padding:0}.nav-link{display:block;padding:.2rem 0}.list-group{list-style:none;padding:0}
.m-0{margin:0}.mb-0{margin-bottom:0}.mb-1{margin-bottom:.25rem}.mb-3{margin-bottom:1rem}.mb-4{margin-bottom:1.5rem}
.mt-0{margin-top:0}.mt-1{margin-top:.25rem}.ml-1{margin-left:.25rem}.ml-2{margin-left:.5rem}.mr-2{margin-right:.5rem}
.p-0{padding:0}.px-0{padding-left:0;padding-right:0}.p-1{padding:.25rem}.p-2{padding:.5rem}.p-3{padding:1rem}
.fas::before{font-style:normal}.fa-check-circle::before{content:"\\2714";color:#28a745}
.fa-times::before{content:"\\2718";color:#dc3545}.fa-question-circle::before{content:"?"}
.fa-exclamation-triangle::before{content:"\\26A0"}.show-scrollbars{overflow:auto}
.ge-logo{height:32px;margin-right:1rem}
"""
SCRIPT = """
function toggleSucceeded(display) {
  document.querySelectorAll(".hide-succeeded-validation-target-child")
    .forEach(e => e.parentElement.style.display = display);
  document.querySelectorAll(".hide-succeeded-validation-target").forEach(e => e.style.display = display);
  document.querySelectorAll(".hide-succeeded-validations-column-section-target-child")
    .forEach(e => e.parentElement.parentElement.style.display = display);
}
function showAllValidations() { toggleSucceeded(""); }
function hideSucceededValidations() { toggleSucceeded("none"); }
"""
_REMOTE = r"""(?:https?:)?//[^"'\s>]+"""
_SCRIPTS = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
_REMOTE_LINKS = re.compile(rf"""<link\b[^>]*href=["']{_REMOTE}["'][^>]*>""", re.IGNORECASE)
_REMOTE_IMAGES = re.compile(rf"""<img\b([^>]*)src=["']{_REMOTE}["']""", re.IGNORECASE)
_REMOTE_CSS_URLS = re.compile(rf"""url\(['"]?{_REMOTE}['"]?\)""")
_FOOTER = re.compile(r"<footer>.*?</footer>", re.DOTALL)
_UP_LINKS = re.compile(r"""(href|src)=(["'])(?:\.\./)+(?:static/images/)?([^"']*)\2""")


def render_offline(result: Any, run_name: str) -> str:
    """GX's validation page for ``result``, named ``run_name``, needing nothing but its folder's files."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    result.meta["run_id"] = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
    page = DefaultJinjaPageView().render(ValidationResultsPageRenderer().render(result))
    return make_offline(page)


def make_offline(page: str) -> str:
    """Strip what a page would fetch from the internet and point its links at files that exist."""
    page = _SCRIPTS.sub("", page)
    page = _FOOTER.sub("", page)  # GX's newsletter invitation
    page = _REMOTE_LINKS.sub("", page)
    page = _REMOTE_IMAGES.sub(rf'<img\1src="{STATIC}/logo-long.png"', page)
    page = _REMOTE_CSS_URLS.sub("none", page)
    page = _UP_LINKS.sub(_local_link, page)
    head = f'<link rel="stylesheet" href="{STATIC}/offline.css"/><script src="{STATIC}/offline.js"></script></head>'
    return page.replace("</head>", head, 1)


def _local_link(match: re.Match[str]) -> str:
    """GX's site-relative links: images to the copied files, every page it would link to to the index."""
    attribute, quote, target = match.group(1), match.group(2), match.group(3)
    local = f"{STATIC}/{target}" if target in GX_IMAGES else "index.html"
    return f"{attribute}={quote}{local}{quote}"


def write_static(folder: Path) -> None:
    """The stylesheet, script and GX images the offline pages of ``folder`` use."""
    import great_expectations

    static = folder / STATIC
    static.mkdir(parents=True, exist_ok=True)
    (static / "offline.css").write_text(STYLE, encoding="utf-8")
    (static / "offline.js").write_text(SCRIPT, encoding="utf-8")
    images = Path(great_expectations.__file__).parent / "render" / "view" / "static" / "images"
    for name in GX_IMAGES:
        shutil.copyfile(images / name, static / name)


def result_markdown(result: Any) -> str:
    """Every expectation of a validation result as a Markdown table, for the check's metadata in the UI."""
    lines = ["| result | column | expectation | unexpected |", "| --- | --- | --- | --- |"]
    for item in result.results:
        kwargs = item.expectation_config.kwargs
        column = kwargs.get("column") or ", ".join(str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs)
        details = item.result or {}
        unexpected = details.get("unexpected_count")
        share = details.get("unexpected_percent")
        found = "" if unexpected is None else f"{unexpected:,}" + (f" ({share:.2g} %)" if unexpected else "")
        mark = "passed" if item.success else "**failed**"  # words: emoji fonts are not everywhere
        lines.append(f"| {mark} | {column} | {item.expectation_config.type.removeprefix('expect_')} | {found} |")
    return "\n".join(lines)

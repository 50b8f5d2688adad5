"""A rendered report and the index in headless Chromium: images load, no console errors, the expected
headings, an A4 print; screenshots are saved next to the reports (reports/screenshots/)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cdp import Browser, chromium_path
from tests.report_fixtures import REPORT_KOMMUNE, REPORT_YEAR, rendered_report
from tests.test_reports import SECTIONS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed "
                       "(Debian: apt-get install chromium; .ci/run installs it)"),
]

PAGE_CHECK = """JSON.stringify({
  images: Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0, alt: i.alt})),
  h1: Array.from(document.querySelectorAll('h1')).map(h => h.textContent.trim()),
  h2: Array.from(document.querySelectorAll('h2')).map(h => h.textContent.trim()),
  links: Array.from(document.links).map(a => a.getAttribute('href')),
  lang: document.documentElement.lang,
  overflow: document.documentElement.scrollWidth > window.innerWidth + 1
})"""


def _screenshots(out: Path) -> Path:
    return Path(os.environ.get("SAMFUNN_SCREENSHOT_DIR") or out / "screenshots")


def test_report_renders_in_chromium_with_images_headings_and_print():
    out = rendered_report()
    page = out / str(REPORT_YEAR) / f"{REPORT_KOMMUNE}-tydal.html"
    with Browser() as browser:
        browser.open(page.as_uri())
        state = json.loads(browser.evaluate(PAGE_CHECK))
        shot = browser.screenshot(_screenshots(out) / f"{REPORT_YEAR}-{REPORT_KOMMUNE}-page1.png")
        pdf = browser.pdf()
        errors = browser.errors()
    assert errors == []
    # population, pyramid, components, projection, commuting flow map, economy, locator
    assert len(state["images"]) == 7 and all(i["ok"] and i["alt"] for i in state["images"])
    assert state["h1"] == [f"Kunnskapsgrunnlag for planstrategi: Tydal {REPORT_YEAR}"]
    assert state["h2"] == SECTIONS
    assert state["lang"] == "nb" and not state["overflow"]  # nothing wider than the window
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert pdf[:5] == b"%PDF-" and 3 <= pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 40


def test_index_renders_and_links_the_report():
    out = rendered_report()
    with Browser() as browser:
        browser.open((out / "index.html").as_uri())
        state = json.loads(browser.evaluate(PAGE_CHECK))
        browser.screenshot(_screenshots(out) / "index.png")
        errors = browser.errors()
    assert errors == []
    assert state["h1"] == ["Kunnskapsgrunnlag for planstrategi"]
    assert f"{REPORT_YEAR}/{REPORT_KOMMUNE}-tydal.html" in state["links"]
    assert all((out / link).exists() for link in state["links"])

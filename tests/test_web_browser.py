"""The map page in a real browser: Debian's headless Chromium driven by Playwright (never `playwright install`).

Against ``marsad serve`` (a uvicorn subprocess with a real store and pipeline): the page loads with no request
leaving the machine, markers appear after an ingest, clicking one shows its Arabic evidence right-to-left, the
language toggle works. Against an in-memory backend (deterministic control facts): the timeline slider changes
the control layer, and 100,000 events load as clusters. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from marsad.api import create_app
from marsad.web import vendor_ready
from test_api_support import REPORT_1, REPORT_2, REPORT_3, MemoryBackend, doc, synthetic_events

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SARAQIB = ("إدلب - سيطرت قوات النظام على مدينة سراقب في ريف إدلب الشرقي بعد اشتباكات عنيفة مع فصائل المعارضة "
           "استمرت يومين.")

if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium (make browser-deps installs it as root)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
if not vendor_ready():
    pytest.skip("Leaflet is not in src/marsad/web/static/vendor (run `make web-vendor`)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_health(base: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {base} did not answer within {timeout}s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``marsad serve`` in a subprocess on a free loopback port, over a fresh SQLite store."""
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "MARSAD_CONTROL_DIR": str(tmp / "control"), "MARSAD_API_TOKEN": ""}
    cmd = [sys.executable, "-c", "from marsad.cli.main import run; run()", "serve", "--db", str(tmp / "web.db"),
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_health(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


class ThreadServer:
    """uvicorn serving an in-memory app in a thread (for deterministic page tests)."""

    def __init__(self, backend: MemoryBackend) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(create_app(backend), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        base = f"http://127.0.0.1:{self.port}"
        wait_health(base)
        return base

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def open_page(browser: Any, base: str, *, lang: str = "ar") -> tuple[Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ar")
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(f"localStorage.setItem('marsad.lang', '{lang}')")
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    return page, requests, errors


def test_page_loads_offline_and_shows_an_ingested_event(browser: Any, real_server: str) -> None:
    page, requests, errors = open_page(browser, real_server)
    assert page.evaluate("typeof L") == "object"  # Leaflet from /static/vendor
    assert page.locator(".leaflet-container").count() == 1
    assert page.locator(".ev-marker").count() == 0
    assert page.locator("html").get_attribute("dir") == "rtl"

    r = httpx.post(f"{real_server}/api/documents", json={"text": SARAQIB, "published": "2020-02-08",
                                                         "outlet": "وكالة تجريبية", "url": "https://example.org/s"})
    assert r.status_code == 201 and r.json()["results"][0]["events"] >= 1
    page.evaluate("window.marsad.reload()")
    marker = page.locator("path.ev-marker").first
    marker.wait_for(timeout=15_000)
    page.locator(".event-card").first.wait_for(timeout=15_000)

    marker.click()
    evidence = page.locator("#detail-evidence")
    evidence.wait_for(timeout=10_000)
    assert evidence.get_attribute("dir") == "rtl"
    assert "سراقب" in evidence.inner_text()
    assert "سراقب" in evidence.locator("mark").inner_text()
    font = evidence.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Naskh" in font
    assert page.locator("#detail a[href='https://example.org/s']").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page-ar.png"))

    # every request stayed on this server: no CDN, no tiles from elsewhere
    outside = [u for u in requests if not u.startswith(real_server) and not u.startswith("data:")]
    assert outside == []
    assert errors == []
    page.context.close()


def test_language_toggle(browser: Any, real_server: str) -> None:
    page, _, errors = open_page(browser, real_server, lang="ar")
    assert page.locator("#filters-title").inner_text() == "التصفية"
    page.click("#lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#filters-title").inner_text() == "Filters"
    assert page.locator("#lang-toggle").inner_text() == "العربية"
    assert "Government regains territory" in page.locator("#f-type").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-page-en.png"))
    page.click("#lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'ar'")
    assert page.locator("#filters-title").inner_text() == "التصفية"
    assert errors == []
    page.context.close()


def test_slider_on_the_real_control_layer(browser: Any, real_server: str) -> None:
    """Before the capture the government holds nothing; after it, Saraqib's area is on the map."""
    clash = "حلب - اندلعت اشتباكات بين قسد و تنظيم الدولة قرب منبج صباح اليوم."
    for text, day in ((clash, "2019-08-01"), (SARAQIB, "2020-02-08")):
        r = httpx.post(f"{real_server}/api/documents", json={"text": text, "published": day}, timeout=60)
        assert r.status_code == 201
    page, _, errors = open_page(browser, real_server, lang="en")
    page.wait_for_function("document.body.dataset.controlDate !== undefined", timeout=60_000)
    assert "Syrian government" in page.locator("#shares").inner_text()
    after = page.locator("body").get_attribute("data-control-features")
    page.eval_on_selector("#slider", "el => { el.value = el.min; el.dispatchEvent(new Event('input')); }")
    page.wait_for_function("document.body.dataset.controlDate === '2019-08-01'", timeout=60_000)
    assert "Syrian government" not in page.locator("#shares").inner_text()
    assert page.locator("body").get_attribute("data-control-features") != after
    assert errors == []
    page.context.close()


def control_memory_backend() -> MemoryBackend:
    be = MemoryBackend()
    be.ingest([doc(REPORT_2, published="2018-02-10"), doc(REPORT_1, published="2019-05-20"),
               doc(REPORT_3, published="2019-08-01")])
    return be


def test_slider_changes_the_control_layer(browser: Any) -> None:
    with ThreadServer(control_memory_backend()) as base:
        page, _, errors = open_page(browser, base)
        page.wait_for_function("document.body.dataset.controlDate !== undefined")
        assert page.locator("body").get_attribute("data-control-features") == "1"
        assert page.locator(".leaflet-control-pane path").count() == 1

        def slide(to: str) -> None:
            page.eval_on_selector("#slider", f"el => {{ el.value = el.{to}; el.dispatchEvent(new Event('input')); }}")

        slide("min")
        page.wait_for_function("document.body.dataset.controlDate === '2018-02-10'")
        assert page.locator("body").get_attribute("data-control-features") == "0"
        assert page.locator(".leaflet-control-pane path").count() == 0
        assert page.locator("#slider-date").inner_text() == "2018-02-10"
        slide("max")
        page.wait_for_function("document.body.dataset.controlDate === '2019-08-01'")
        assert page.locator(".leaflet-control-pane path").count() == 1
        assert "100.0%" in page.locator("#shares").inner_text()
        assert errors == []
        page.context.close()


def test_a_hundred_thousand_events_load_as_clusters(browser: Any) -> None:
    be = MemoryBackend()
    be.add_events(synthetic_events(100_000))
    with ThreadServer(be) as base:
        page, _, errors = open_page(browser, base, lang="en")
        page.wait_for_selector(".cluster-icon")
        drawn = page.locator(".leaflet-marker-icon.cluster").count() + page.locator("path.ev-marker").count()
        assert 0 < drawn < 500  # clusters, not 100,000 markers
        shown = page.evaluate("window.marsad.state.lastTotal")
        assert shown > 50_000
        page.locator(".event-card").nth(29).wait_for(timeout=15_000)
        assert page.locator(".event-card").count() == 30  # one page of the list
        page.locator(".cluster-icon").first.click()
        page.wait_for_function("window.marsad.map.getZoom() > 7")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-page-100k.png"))
        assert errors == []
        page.context.close()

"""Ingest: sources → pipeline → store, failures and retry, URLs and feeds from a local server, the CLI."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from marsad.cli.main import main
from marsad.errors import TooLargeError
from marsad.ingest.fetch import FetchOptions
from marsad.ingest.run import ingest, retry
from marsad.model import Document, Event, ExtractionResult, Provenance, Span
from marsad.store import EventFilter, open_store
from test_store_support import BACKENDS, fresh_store, store_url

FIX = Path(__file__).parent / "fixtures" / "ingest"
GOOD_IN_FIXTURES = 17  # documents the readers yield from tests/fixtures/ingest (see test_readers)
BAD_IN_FIXTURES = 6


def fake_extract(doc: Document) -> ExtractionResult:
    """A deterministic stand-in for the pipeline: one event per document that mentions «قصف»."""
    if "قصف" not in doc.text:
        return ExtractionResult(document=doc)
    i = doc.text.index("قصف")
    prov = Provenance(doc_id=doc.id, span=Span(i, i + 3), sentence=Span(0, len(doc.text)), extractor="fake/1")
    return ExtractionResult(document=doc, events=(Event(type="shelling_artillery_missile", actor1="unknown",
                                                        provenance=prov),))


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_store(request.param, tmp_path) as s:
        yield s


def test_ingest_fixtures_then_again_is_idempotent(store):
    first = ingest([FIX], store, pipeline=fake_extract)
    assert (first.seen, first.stored, first.duplicates, first.failed) == (GOOD_IN_FIXTURES + BAD_IN_FIXTURES,
                                                                         GOOD_IN_FIXTURES, 0, BAD_IN_FIXTURES)
    assert dict(first.failures_by_code) == {"M103": 2, "M105": 3, "M106": 1}
    stats1 = store.stats()
    second = ingest([FIX], store, pipeline=fake_extract)
    assert (second.stored, second.duplicates, second.failed) == (0, GOOD_IN_FIXTURES, BAD_IN_FIXTURES)
    assert store.stats() == stats1
    assert {f.code for f in store.failures()} == {"M103", "M105", "M106"}
    assert all(f.attempts == 2 for f in store.failures())
    assert store.document("j3").document.meta["warnings"][0].startswith("[M150]")


def test_extraction_errors_are_failures_with_payload_and_retry_fixes_them(store):
    broken = {"on": True}

    def flaky(doc: Document) -> ExtractionResult:
        if broken["on"] and doc.id == "art-1":
            raise RuntimeError("recogniser bug")
        return fake_extract(doc)

    s = ingest([FIX / "article.json", FIX / "report.txt"], store, pipeline=flaky)
    assert (s.stored, s.failed) == (1, 1)
    [f] = store.failures()
    assert (f.code, f.doc_id, f.has_payload) == ("M000", "art-1", True) and "recogniser bug" in f.reason
    still = retry(store, pipeline=flaky)
    assert still.failed == 1 and store.failures()[0].attempts == 2
    broken["on"] = False
    fixed = retry(store, pipeline=flaky)
    assert (fixed.stored, fixed.resolved) == (1, 1) and store.failures() == []
    assert store.document("art-1") is not None


def test_retry_rereads_fixed_sources(store, tmp_path):
    bad = tmp_path / "cut.json"
    bad.write_text('{"id": "late", "text": "قصف مدفعي على', encoding="utf-8")
    ingest([bad], store, pipeline=fake_extract)
    assert [f.code for f in store.failures()] == ["M105"]
    assert retry(store, pipeline=fake_extract).resolved == 0
    bad.write_text('{"id": "late", "text": "قصف مدفعي على أطراف المدينة"}', encoding="utf-8")
    out = retry(store, pipeline=fake_extract)
    assert (out.stored, out.resolved) == (1, 1) and store.failures() == []
    assert store.document("late").document.text == "قصف مدفعي على أطراف المدينة"


def test_pipeline_size_limit_becomes_m104(store, tmp_path):
    def limited(doc: Document) -> ExtractionResult:
        if len(doc.text) > 100:
            raise TooLargeError(f"document {doc.id!r} is too long")
        return fake_extract(doc)

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "long.txt").write_text("قصف " * 200, encoding="utf-8")
    s = ingest([tmp_path / "in"], store, pipeline=limited)
    assert s.failed == 1 and [f.code for f in store.failures()] == ["M104"]


# --- URLs and feeds from a local server ---------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    agents: list[str] = []  # noqa: RUF012 - per-server list, reset by the fixture

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        type(self).agents.append(self.headers.get("User-Agent", ""))
        port = self.server.server_address[1]
        routes = {
            "/page.html": ("text/html; charset=utf-8", (FIX / "page.html").read_bytes()),
            "/feed.xml": ("application/rss+xml", (FIX / "feed.xml").read_bytes()),
            "/linked.xml": ("application/rss+xml", (FIX / "feed.xml").read_bytes().replace(  # local links only
                b"https://example.org/a/101", f"http://127.0.0.1:{port}/page.html".encode()).replace(
                b"https://example.org/a/", f"http://127.0.0.1:{port}/gone/".encode())),
            "/big.txt": ("text/plain", "قصف ".encode() * 50_000),
            "/article.json": ("application/json", (FIX / "article.json").read_bytes()),
        }
        if self.path == "/slow":
            time.sleep(3)  # the client gives up first: writing to it then is a broken pipe, not an error
        try:
            if self.path not in routes:
                self.send_error(404, "not found")
                return
            ctype, body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def server():
    _Handler.agents = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_urls_and_feeds_from_local_server(store, server):
    opts = FetchOptions(timeout=1.0, max_bytes=100_000, user_agent="marsad-test/1")
    s = ingest([f"{server}/page.html", f"{server}/feed.xml", f"{server}/article.json", f"{server}/missing",
                f"{server}/big.txt", f"{server}/slow"], store, pipeline=fake_extract, fetch_options=opts)
    assert (s.stored, s.failed) == (5, 3)
    page = store.document(f"{server}/page.html")
    assert page is not None and page.document.url == f"{server}/page.html"
    assert page.document.title == "غارات على ريف حماة الشمالي" and "الرئيسية" not in page.document.text
    assert store.document("https://example.org/a/102").document.outlet == "أخبار الساحل"
    assert store.document("art-1") is not None
    codes = {f.source.rsplit("/", 1)[1]: f.code for f in store.failures()}
    assert codes == {"missing": "M107", "big.txt": "M104", "slow": "M107"}
    assert "404" in next(f.reason for f in store.failures() if f.source.endswith("missing"))
    assert "timed out" in next(f.reason for f in store.failures() if f.source.endswith("slow"))
    assert set(_Handler.agents) == {"marsad-test/1"}


def test_feed_follow_links_fetches_entry_pages(store, server):
    opts = FetchOptions(timeout=2, follow_links=True)
    s = ingest([f"{server}/linked.xml"], store, pipeline=fake_extract, fetch_options=opts)
    # entry 1 links to the local page (fetched), entries 2 and 3 to local pages that answer 404
    linked = store.document(f"{server}/page.html")
    assert linked is not None and "شنت الطائرات الحربية الروسية" in linked.document.text
    assert s.stored == 1 and s.failed == 2
    assert {f.code for f in store.failures()} == {"M107"}
    assert all("404" in f.reason for f in store.failures())


# --- the CLI ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_ingest_events_failures_stats_retry(backend, tmp_path, capsys, monkeypatch):
    import marsad

    monkeypatch.setattr(marsad, "default_pipeline", lambda: fake_extract)
    with store_url(backend, tmp_path) as db:
        assert main(["ingest", str(FIX), "--db", db]) == 1  # some documents failed
        out, err = capsys.readouterr()
        assert f"{GOOD_IN_FIXTURES} stored" in out and f"{BAD_IN_FIXTURES} failures" in out
        assert "\r" not in err  # no progress bar when stderr is not a terminal
        assert main(["ingest", str(FIX), "--db", db, "--json"]) == 1
        summary = json.loads(capsys.readouterr().out)
        assert (summary["stored"], summary["duplicates"]) == (0, GOOD_IN_FIXTURES)

        assert main(["events", "--db", db, "--json"]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert rows and all(r["type"] == "shelling_artillery_missile" and r["sources"] == 1 for r in rows)
        assert {"doc_id", "evidence", "event"} <= set(rows[0])
        assert main(["events", "--db", db, "--csv", "--from", "2019-05-20", "--to", "2019-05-20"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("id,date,type") and len(lines) == 2 and "page.html" in lines[1]
        assert main(["events", "--db", db, "--actor", "nobody"]) == 0
        assert capsys.readouterr().out == ""

        assert main(["failures", "--db", db, "--json"]) == 0
        fails = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert len(fails) == BAD_IN_FIXTURES and {f["error"]["code"] for f in fails} == {"M103", "M105", "M106"}
        assert main(["stats", "--db", db, "--json"]) == 0
        st = json.loads(capsys.readouterr().out)
        assert (st["documents"], st["failures_open"]) == (GOOD_IN_FIXTURES, BAD_IN_FIXTURES)
        assert main(["retry", "--db", db]) == 1  # the fixtures are still bad
        assert "0 failures resolved, 6 still open" in capsys.readouterr().out


def test_cli_bad_db_url_is_usage_error(capsys):
    assert main(["stats", "--db", "mysql://nope"]) == 2
    assert "M400" in capsys.readouterr().err


def test_real_pipeline_end_to_end(tmp_path):
    """The default pipeline through the store: storage invariants only (the recognisers evolve)."""
    with open_store(tmp_path / "r.db") as st:
        s = ingest([FIX], st)
        assert (s.stored + s.failed, s.failed) == (GOOD_IN_FIXTURES + BAD_IN_FIXTURES, BAD_IN_FIXTURES)
        res = st.result(str(FIX / "report.txt"))
        assert res is not None and res.document.text == (FIX / "report.txt").read_text(encoding="utf-8")
        for ev in st.events(EventFilter(include_suppressed=True, limit=None)):
            assert ev.evidence == st.document(ev.doc_id).document.text[ev.event.provenance.span.start:
                                                                       ev.event.provenance.span.end]


def test_retry_leaves_unreadable_sources_alone(store):
    from marsad.ingest import Rejection

    store.add_failure(Rejection("stdin", "stdin", "M103", "empty"))
    store.add_failure(Rejection("/gone/file.txt", "/gone/file.txt", "M105", "bad"))
    out = retry(store, pipeline=fake_extract)
    assert out.seen == 0 and out.resolved == 0
    assert sorted(f.source for f in store.failures()) == ["/gone/file.txt", "stdin"]


def test_cli_ingest_from_stdin(tmp_path, capsys, monkeypatch):
    import io
    import sys

    import marsad

    monkeypatch.setattr(marsad, "default_pipeline", lambda: fake_extract)
    lines = "\n".join(json.dumps({"id": f"in-{n}", "text": f"قصف على بلدة رقم {n}"}, ensure_ascii=False)
                      for n in range(3))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode("utf-8")), encoding="utf-8"))
    db = str(tmp_path / "s.db")
    assert main(["ingest", "-", "--db", db]) == 0
    assert "3 stored" in capsys.readouterr().out
    with open_store(db) as st:
        assert sorted(d.document.id for d in st.documents()) == ["in-0", "in-1", "in-2"]

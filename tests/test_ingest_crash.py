"""Crash safety: ``kill -9`` an ingest mid-batch, run it again, and nothing is lost or duplicated."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marsad.store import DocumentFilter, EventFilter, open_store
from test_store_support import BACKENDS, store_url

N_GOOD = 600
PLACES = ("حلب", "إدلب", "حماة", "حمص", "درعا", "الرقة", "دير الزور", "اللاذقية", "طرطوس", "القنيطرة")

# The CLI with a slow stand-in pipeline (one event per document), so the kill lands mid-batch on any machine.
RUNNER = """
import sys, time
import marsad
from marsad.model import Event, ExtractionResult, Provenance, Span

def slow(doc):
    time.sleep(0.004)
    i = doc.text.index("قصف")
    prov = Provenance(doc_id=doc.id, span=Span(i, i + 3), sentence=Span(0, len(doc.text)), extractor="slow/1")
    return ExtractionResult(document=doc, events=(Event(type="shelling_artillery_missile", actor1="unknown",
                                                        provenance=prov),))

marsad.default_pipeline = lambda: slow
from marsad.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def make_batch(root: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """A batch folder: a JSONL of good articles with bad lines mixed in, and a few bad files."""
    root.mkdir()
    good: set[str] = set()
    lines = []
    for i in range(N_GOOD):
        place = PLACES[i % len(PLACES)]
        doc_id = f"crash-{i:04d}"
        good.add(doc_id)
        lines.append(json.dumps({"id": doc_id, "published": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
                                 "text": f"قصف مدفعي استهدف الحي رقم {i} في مدينة {place} صباح اليوم، "
                                         f"وأفاد سكان بسقوط {i % 7 + 1} جرحى وتضرر {i % 13 + 2} منازل."},
                                ensure_ascii=False))
        if i % 150 == 75:
            lines.append(f'{{"id": "broken-{i}", "text": "قصف')  # truncated line
    (root / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (root / "empty.txt").write_text("   \n", encoding="utf-8")
    bad = {(str(root / "blob.txt"), "M102"), (str(root / "empty.txt"), "M103")}
    for n, line in enumerate(lines, start=1):
        if line.startswith('{"id": "broken'):
            bad.add((f"{root / 'batch.jsonl'}:{n}", "M105"))
    return good, bad


def _run(db: str, batch: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    script = tmp_path / "runner.py"
    script.write_text(RUNNER, encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen([sys.executable, str(script), "ingest", str(batch), "--db", db],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_mid_batch_then_rerun(backend, tmp_path):
    good, bad = make_batch(tmp_path / "batch")
    with store_url(backend, tmp_path) as db:
        proc = _run(db, tmp_path / "batch", tmp_path)
        try:
            with open_store(db) as watch:
                deadline = time.monotonic() + 120
                while watch.count_documents() < 100:
                    assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                    assert time.monotonic() < deadline, "the ingest did not make progress"
                    time.sleep(0.02)
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(30)
                at_kill = watch.count_documents()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
        assert 100 <= at_kill < N_GOOD, "the kill should land mid-batch"

        rerun = _run(db, tmp_path / "batch", tmp_path)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 1, err.decode()  # 1: some documents failed (the bad ones)
        assert f"{N_GOOD - at_kill} stored" in out.decode()

        with open_store(db) as store:
            docs = store.documents(DocumentFilter(limit=None))
            ids = [d.document.id for d in docs]
            assert len(ids) == len(set(ids)) == N_GOOD and set(ids) == good  # nothing lost, nothing twice
            events = store.events(EventFilter(limit=None))
            assert sorted(e.doc_id for e in events) == sorted(good)  # every document with its event, once
            fails = store.failures()
            assert {(f.doc_id or f.source, f.code) for f in fails} == bad and len(fails) == len(bad)
            st = store.stats()
            assert (st.documents, st.revisions, st.failures_open) == (N_GOOD, 0, len(bad))

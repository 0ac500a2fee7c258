"""Acceptance (issue 4): a batch of over 10,000 documents with bad ones mixed in.

Every good document ends up stored, every bad one in failures with a reason code, the summary says so,
and ingesting the same batch again changes no count. The extraction step is a fast deterministic stand-in
(the real pipeline's throughput is measured by ``bench/bench_ingest.py``), so this checks the reading and
storing path within CI time: the full 10,000+ documents on SQLite, and the same mix with 2,000+ documents
on PostgreSQL (its full-size run, with the real pipeline, is ``bench/bench_ingest.py --acceptance``).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from marsad.ingest.run import ingest
from marsad.store import DocumentFilter
from test_ingest import fake_extract
from test_store_support import BACKENDS, fresh_store

N_JSONL_FILES = 10
PER_FILE = 1000
PLACES = ("حلب", "إدلب", "حماة", "حمص", "درعا", "الرقة", "دير الزور", "اللاذقية", "طرطوس", "القنيطرة", "السويداء",
          "الحسكة", "منبج", "عفرين", "تدمر", "البوكمال")
ACTORS = ("قوات النظام", "فصائل المعارضة", "تنظيم الدولة", "قوات سوريا الديمقراطية", "الطيران الروسي")
VERBS = ("قصف", "هاجم", "اشتبك مع", "تقدم نحو", "انسحب من")


def article(n: int) -> str:
    place = PLACES[n % len(PLACES)]
    actor = ACTORS[(n // 7) % len(ACTORS)]
    verb = VERBS[(n // 3) % len(VERBS)]
    return (f"أفادت مصادر محلية في {place} بأن {actor} {verb} مواقع في المنطقة رقم {n}، "
            f"وذكرت أن {n % 9 + 1} أشخاص أصيبوا، فيما تحدث ناشطون عن قصف متقطع استمر {n % 5 + 2} ساعات.")


def make_batch(root: Path, *, files: int = N_JSONL_FILES) -> tuple[set[str], dict[str, str]]:
    """Write the batch (``files`` JSONL files of 1,000 articles, and bad files). Returns the good document ids
    and {failure key: expected code}."""
    root.mkdir()
    good: set[str] = set()
    bad: dict[str, str] = {}
    n = 0
    for f in range(files):
        path = root / f"part-{f:02d}.jsonl"
        lines = []
        for i in range(PER_FILE):
            doc_id = f"acc-{n:05d}"
            good.add(doc_id)
            lines.append(json.dumps({"id": doc_id, "published": f"20{12 + n % 12}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                                     "outlet": f"مرصد {n % 17}", "text": article(n)}, ensure_ascii=False))
            n += 1
            if i % 250 == 100:  # bad lines among the good ones
                lines.append(f'{{"id": "cut-{n}", "text": "نص مقطوع')
                bad[f"{path}:{len(lines)}"] = "M105"
                lines.append(json.dumps({"id": f"notext-{n}", "title": "بلا نص"}, ensure_ascii=False))
                bad[f"notext-{n}"] = "M106"
                lines.append(json.dumps({"id": f"blank-{n}", "text": "  \n "}, ensure_ascii=False))
                bad[f"blank-{n}"] = "M103"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loose = root / "loose"
    loose.mkdir()
    for k in range(40):  # good single files in every supported encoding
        enc = ("utf-8", "utf-8-sig", "utf-16", "cp1256")[k % 4]
        path = loose / f"doc-{k:02d}.txt"
        path.write_bytes(article(n).encode(enc))
        good.add(str(path))
        n += 1
    bad_files = {
        "image.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "M102"),
        "nul.txt": ("نص فيه بايتات صفرية".encode() + b"\x00\x00\x00", "M102"),
        "latin1.txt": ("Rapport préliminaire: déjà évoqué à Genève".encode("latin-1") + b"\x81\x8d\x90" * 4, "M101"),
        "truncated.json": (('{"id": "t1", "text": "' + article(1)[:30]).encode(), "M105"),
        "empty.txt": (b"", "M103"),
        "spaces.txt": (b" \n\t \n", "M103"),
        "nested.json": (b'{"text": "x", "a": ' + b"[" * 5000 + b"]" * 5000 + b"}", "M105"),
        "bad-utf16.txt": (codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "M101"),
    }
    for name, (data, code) in bad_files.items():
        (loose / name).write_bytes(data)
        bad[str(loose / name)] = code
    big = loose / "huge.txt"  # 50 MB of real text: refused by its size, never read
    chunk = (article(0) + "\n").encode("utf-8")
    with big.open("wb") as f:
        for _ in range(50_000_000 // len(chunk) + 1):
            f.write(chunk)
    bad[str(big)] = "M104"
    return good, bad


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_ten_thousand_documents_with_bad_ones(backend, tmp_path):
    files = N_JSONL_FILES if backend == "sqlite" else 2
    good, bad = make_batch(tmp_path / "batch", files=files)
    assert len(good) >= files * PER_FILE and len(bad) > 30
    with fresh_store(backend, tmp_path) as store:
        first = ingest([tmp_path / "batch"], store, pipeline=fake_extract)
        assert (first.stored, first.failed, first.revisions) == (len(good), len(bad), 0)
        assert first.seen == len(good) + len(bad)
        assert f"{len(good)} stored" in first.line() and f"{len(bad)} failures" in first.line()

        ids = {d.document.id for d in store.documents(DocumentFilter(limit=None))}
        assert ids == good
        fails = store.failures()
        got = {(f.doc_id or f.source): f.code for f in fails}
        assert got == bad
        assert all(f.reason for f in fails)
        assert "50,0" in next(f.reason for f in fails if f.code == "M104")
        stats = store.stats()

        second = ingest([tmp_path / "batch"], store, pipeline=fake_extract)
        assert (second.stored, second.duplicates, second.failed) == (0, len(good), len(bad))
        assert store.stats() == stats

"""Slices: the input cut on the client and read by the workers gives exactly what ``read_sources`` gives."""

from __future__ import annotations

import codecs
import io
import json
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.ingest import Rejection, read_sources
from marsad.ingest.slices import FileSlice, ReadOptions, Slices, _LineCutter, plan_reads
from marsad.model import Document

FIX = Path(__file__).parent / "fixtures" / "ingest"
ARABIC = "قصفت طائرات حربية مواقع للفصائل في ريف إدلب الجنوبي فجر اليوم، وردت الفصائل بقصف مدفعي على بلدة قريبة."


def article(i: int, **extra: object) -> str:
    return json.dumps({"id": f"a{i}", "text": f"{ARABIC} ({i})", **extra}, ensure_ascii=False)


def tricky_jsonl(path: Path) -> Path:
    """Every kind of line a JSONL file can hold, the last one without its newline."""
    lines = [
        article(1),
        "",  # blank: no item, but it counts as a line
        json.dumps({"text": ARABIC}, ensure_ascii=False),  # no id: PATH:LINENO
        '{"id": "broken", "text": "قصفت',  # malformed: M105
        json.dumps({"id": "blank", "text": " "}),  # empty text: M103
        article(2, published="not a date"),  # kept, with an M150 warning
        article(3) + "\r",  # CRLF
        "x" * 300,  # over the test's max_bytes: M104, skipped by the reader
        article(4),
    ]
    lines += [article(i) for i in range(100, 160)]  # past the 8 KB head the encoding is sniffed from
    body = "\n".join(lines).encode("utf-8")
    body += b"\n" + b'{"id": "cp", "text": "' + "قصف مدفعي على مدينة حلب".encode("cp1256") + b'"}'
    body += b"\n" + b'{"id": "nul", "text": "a\x00b"}\n'  # NUL after the head: this line alone is refused
    body += article(5).encode("utf-8")  # no final newline
    path.write_bytes(body)
    return path


@pytest.fixture
def tree(tmp_path) -> Path:
    """A folder of every format: JSONL (UTF-8, with a BOM, in UTF-16), CSV, TSV, HTML, JSON, text, feeds."""
    root = tmp_path / "in"
    shutil.copytree(FIX, root)
    tricky_jsonl(root / "b-tricky.jsonl")
    (root / "c-bom.jsonl").write_bytes(codecs.BOM_UTF8 + (article(6) + "\n" + article(7) + "\n").encode())
    (root / "d-utf16.jsonl").write_bytes((article(8) + "\n" + article(9) + "\n").encode("utf-16"))
    (root / "e-empty.jsonl").write_bytes(b"")
    (root / "f-binary.jsonl").write_bytes(b"\x00\x01\x02\xff" * 64)
    (root / "g-many.jsonl").write_text("\n".join(article(i) for i in range(10, 60)) + "\n", encoding="utf-8")
    return root


def read_plan(sources, options, sizes, **kw) -> list:
    out = []
    for batch in plan_reads(sources, options, iter(sizes), **kw):
        out.extend(batch.items() if isinstance(batch, Slices) else batch)
    return out


@pytest.mark.parametrize("sizes", [[1], [2, 3], [8, 16, 32, 64], [1000], [3, 1, 4, 1, 5, 9, 2, 6]])
def test_the_plan_reads_what_read_sources_reads(tree, sizes):
    options = ReadOptions(max_bytes=250)
    expected = list(read_sources([tree], max_bytes=250))
    assert len(expected) > 60
    assert {i.code for i in expected if isinstance(i, Rejection)} >= {"M102", "M103", "M104", "M105"}
    assert read_plan([tree], options, sizes) == expected


def test_the_plan_reads_a_tricky_file_line_for_line(tmp_path):
    path = tricky_jsonl(tmp_path / "t.jsonl")
    expected = list(read_sources([path], max_bytes=250))
    ids = [i.id if isinstance(i, Document) else i.doc_id for i in expected]
    assert ids[:3] == ["a1", f"{path}:3", f"{path}:4"]  # line 2 is blank
    assert any(isinstance(i, Document) and i.id == "cp" for i in expected)  # a Windows-1256 line
    assert any(isinstance(i, Rejection) and i.doc_id == f"{path}:71" and i.code == "M102" for i in expected)
    assert len(expected) == 71  # 72 lines, one blank
    for size in [*range(1, 14), 50, 71, 72]:
        assert read_plan([path], ReadOptions(max_bytes=250), [size]) == expected, size


def test_batches_hold_slices_of_whole_lines_and_the_sizes_asked(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(article(i) for i in range(100)) + "\n", encoding="utf-8")
    batches = list(plan_reads([path], ReadOptions(), iter([8, 16, 32, 64])))
    assert all(isinstance(b, Slices) for b in batches)
    assert [len(b.items()) for b in batches] == [8, 16, 32, 44]
    first_lines = [s.first_line for b in batches for s in b.slices]
    assert first_lines == [1, 9, 25, 57]
    data = path.read_bytes()
    for b in batches:
        for s in b.slices:
            assert s.start == 0 or data[s.start - 1:s.start] == b"\n"
            assert s.end is not None and data[s.end - 1:s.end] == b"\n"
    assert len(pickle.dumps(batches[-1])) < 500  # what a task carries: a few numbers, not 44 documents


def test_small_files_share_a_batch_and_big_ones_stand_alone(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"{ARABIC} {i}", encoding="utf-8")
    (tmp_path / "9-big.txt").write_text(ARABIC * 40, encoding="utf-8")
    batches = list(plan_reads([tmp_path], ReadOptions(), iter([3]), max_batch_bytes=1500))
    assert [[Path(s.source).name for s in b.slices] for b in batches] == [
        ["0.txt", "1.txt", "2.txt"], ["3.txt", "4.txt"], ["9-big.txt"]]
    assert all(s.end is None for b in batches for s in b.slices)


def test_what_workers_cannot_split_is_read_here_in_order(tmp_path, tree):
    """stdin, missing paths, CSV and UTF-16 JSONL: items read on the client, between the slices, in order."""
    stdin = io.BytesIO((article(90) + "\n").encode())
    sources = ["-", tree / "articles.csv", tmp_path / "missing.jsonl", tree / "d-utf16.jsonl", tree / "g-many.jsonl"]
    batches = list(plan_reads(sources, ReadOptions(), iter([4]),
                              client_read=lambda src: read_sources([src], stdin=stdin)))
    kinds = ["items" if isinstance(b, list) else "slices" for b in batches]
    assert kinds[0] == "items" and kinds[-1] == "slices"
    stdin.seek(0)
    assert read_plan(sources, ReadOptions(), [4], client_read=lambda src: read_sources([src], stdin=stdin)) == \
        list(read_sources(sources, stdin=io.BytesIO((article(90) + "\n").encode())))


def test_a_relative_path_keeps_its_name_and_a_vanished_file_is_a_rejection(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("rel.jsonl").write_text(json.dumps({"text": ARABIC}, ensure_ascii=False) + "\n", encoding="utf-8")
    [batch] = list(plan_reads(["rel.jsonl"], ReadOptions(), iter([8])))
    assert isinstance(batch, Slices) and Path(batch.slices[0].path).is_absolute()
    assert [d.id for d in batch.items()] == ["rel.jsonl:1"]
    Path("rel.jsonl").unlink()
    [gone] = batch.items()
    assert isinstance(gone, Rejection) and gone.code == "M100" and gone.doc_id == "rel.jsonl:1"
    whole = FileSlice("gone.txt", str(tmp_path / "gone.txt"))
    assert [r.code for r in whole.read(ReadOptions())] == ["M100"]


@settings(max_examples=200, deadline=None)
@given(data=st.lists(st.sampled_from([b"a", b"\n", b"\xd9\x82", b"\r\n", b"{}"]), max_size=60),
       block=st.integers(1, 9), wants=st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_the_line_cutter_cuts_after_newlines_and_counts_lines_as_readline_does(data, block, wants):
    body = b"".join(data)
    cutter = _LineCutter(io.BytesIO(body), block=block)
    pieces = []
    i = 0
    while True:
        start, end, lines = cutter.cut(wants[i % len(wants)])
        if end == start:
            break
        assert lines <= wants[i % len(wants)]
        pieces.append((start, end, lines))
        i += 1
    assert b"".join(body[s:e] for s, e, _ in pieces) == body
    for s, e, n in pieces:
        assert n == len(io.BytesIO(body[s:e]).readlines())
        assert e == len(body) or body[e - 1:e] == b"\n"

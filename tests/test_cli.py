"""The documented commands: `marsad extract`, `marsad eval`, `marsad demo` (bad input never sinks a batch)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from conftest import FIXTURES
from marsad.cli.main import main

GOOD = "سيطرت قوات النظام على بلدة معان في ريف حماة الشمالي بعد معارك مع الفصائل."


def run_cli(argv, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


@pytest.fixture()
def mixed(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    (d / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (d / "b_bom.txt").write_bytes("\ufeff".encode() + GOOD.encode("utf-8"))
    (d / "c_utf16.txt").write_bytes(GOOD.encode("utf-16"))
    (d / "d_cp1256.txt").write_bytes(GOOD.encode("cp1256"))
    (d / "e_empty.txt").write_text("   \n\t ", encoding="utf-8")
    (d / "f_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (d / "g_truncated.json").write_text('{"id": "t1", "text": "سيطرت', encoding="utf-8")
    (d / "h_notext.json").write_text('{"id": "t2", "title": "بلا نص"}', encoding="utf-8")
    (d / "i_nested.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    lines = [json.dumps({"id": "l1", "text": GOOD, "published": "2016-03-02"}, ensure_ascii=False),
             '{"id": "l2", "text": ',
             json.dumps({"id": "l3", "text": GOOD, "published": "not a date"}, ensure_ascii=False)]
    (d / "j_lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def test_extract_mixed_batch_keeps_every_good_document(mixed, capsys):
    code, objs, err = run_cli(["extract", str(mixed)], capsys)
    assert code == 1  # some rejected, the rest processed
    good = [o for o in objs if "error" not in o]
    bad = {o["id"] or o["source"]: o["error"]["code"] for o in objs if "error" in o}
    ids = {o["id"] for o in good}
    assert {"l1", "l3"} <= ids
    assert {str(mixed / n) for n in ("a_good.txt", "b_bom.txt", "c_utf16.txt", "d_cp1256.txt")} <= ids
    for o in good:  # every good document was read correctly, whatever its encoding
        assert [e["type"] for e in o["events"]] == ["government_regains_territory"], o["id"]
        ev = o["events"][0]
        assert ev["evidence_span"][0] < ev["evidence_span"][1] and ev["extractor"]
    codes = set(bad.values())
    assert {"M102", "M103", "M105", "M106"} <= codes, bad
    assert len(bad) == 6  # empty, binary, truncated, no text, nested, the bad JSONL line
    l3 = next(o for o in good if o["id"] == "l3")
    assert l3["published"] is None  # a bad published date is reported, the document still processed
    assert "published" in err and "rejected" in err


def test_extract_stdin_and_output_file(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out.jsonl"
    code, objs, _ = run_cli(["extract", "-", "-o", str(out), "--default-date", "2016-01-01"], capsys,
                            stdin=GOOD, monkeypatch=monkeypatch)
    assert code == 0 and objs == []
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1 and lines[0]["events"][0]["actor1"] == "syria_government_assad"


def test_extract_include_suppressed_marks_modality(tmp_path, capsys):
    f = tmp_path / "h.txt"
    f.write_text("وفي حال سيطرت قوات النظام على مدينة البوكمال فإن الطريق سيصبح مفتوحاً.", encoding="utf-8")
    code, objs, _ = run_cli(["extract", str(f), "--include-suppressed"], capsys)
    assert code == 0 and objs[0]["events"] == []
    assert {s["modality"] for s in objs[0]["suppressed"]} == {"hypothetical"}


def test_extract_nothing_readable_exits_2(tmp_path, capsys):
    f = tmp_path / "empty.txt"
    f.write_text("", encoding="utf-8")
    code, objs, _ = run_cli(["extract", str(f)], capsys)
    assert code == 2 and objs[0]["error"]["code"] == "M103"


def test_extract_bad_option_is_a_usage_error(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text(GOOD, encoding="utf-8")
    assert main(["extract", str(f), "--default-date", "yesterday"]) == 2
    assert "M400" in capsys.readouterr().err


def test_eval_prints_every_layer_and_json(capsys):
    gold = FIXTURES / "gold"
    assert main(["eval", str(gold)]) == 0
    text = capsys.readouterr().out
    for layer in ("actors", "places", "events", "events_typed", "control", "sieges", "quantities", "geo_accuracy"):
        assert layer in text
    assert main(["eval", str(gold), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["documents"] == len(list(gold.glob("*.json"))) and res["missing_predictions"] == []
    assert 0 < res["events"]["f1"] <= 1


def test_eval_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope")]) == 2
    assert "M400" in capsys.readouterr().err


def test_demo_prints_and_stores_idempotently(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "EVENTS" in out and "CONTROL" in out and "SIEGES" in out and "QUANTITIES" in out
    assert "stored 12 new of 12" in out
    assert main(["demo", "--db", str(db)]) == 0
    assert "stored 0 new of 12" in capsys.readouterr().out
    from marsad.store import open_store

    with open_store(db) as store:
        assert store.count_documents() == 12


def test_demo_no_store_json(capsys):
    assert main(["demo", "--no-store", "--json"]) == 0
    objs = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert len(objs) == 12 and all("events" in o for o in objs)


def test_extract_huge_document_is_rejected_with_a_reason_and_batch_goes_on(tmp_path, capsys):
    (tmp_path / "a_huge.txt").write_text((GOOD + "\n") * 40_000, encoding="utf-8")  # ~3.2 M characters
    (tmp_path / "b_good.txt").write_text(GOOD, encoding="utf-8")
    code, objs, _ = run_cli(["extract", str(tmp_path)], capsys)
    assert code == 1
    huge = next(o for o in objs if "error" in o)
    assert huge["error"]["code"] == "M104" and "characters" in huge["error"]["reason"]
    assert [o["events"][0]["type"] for o in objs if "error" not in o] == ["government_regains_territory"]


def test_long_document_is_processed_whole(tmp_path, capsys):
    """A long report (about 300,000 characters) is read to the end: facts come from its last lines too."""
    body = "\n".join(["وقال مصدر محلي إن الأوضاع هادئة في المنطقة."] * 6000)
    (tmp_path / "long.txt").write_text(body + "\n" + "وسيطرت قوات النظام على بلدة كفرزيتا.", encoding="utf-8")
    code, objs, _ = run_cli(["extract", str(tmp_path / "long.txt"), "--default-date", "2019-08-01"], capsys)
    assert code == 0
    assert [e["place_surface"] for e in objs[0]["events"]] == ["بلدة كفرزيتا"]


def test_extract_from_a_live_feed_writes_each_result_before_the_feed_ends():
    """``tail -f feed.jsonl | marsad extract - --batch-size 1``: the first line comes out while stdin is open."""
    import select
    import subprocess

    line = json.dumps({"id": "live-1", "published": "2019-05-01",
                       "text": "سيطرت قوات النظام على بلدة كفرنبل في ريف إدلب الجنوبي."}, ensure_ascii=False)
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from marsad.cli.main import main; sys.exit(main())",
                             "extract", "-", "--batch-size", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write((line + "\n" + line.replace("live-1", "live-2") + "\n").encode())
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no output while standard input stayed open"
        first = json.loads(proc.stdout.readline())
        assert first["id"] == "live-1" and first["events"]
        assert proc.poll() is None  # still reading the feed
        proc.stdin.close()
        rest = proc.stdout.read().decode().splitlines()
        assert [json.loads(x)["id"] for x in rest] == ["live-2"]
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

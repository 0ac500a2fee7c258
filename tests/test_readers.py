"""Robust readers: every format, every encoding, every way a source can be bad."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from marsad.ingest import Rejection, parse_published, read_bytes, read_sources
from marsad.ingest.decode import decode_bytes
from marsad.model import Document

FIX = Path(__file__).parent / "fixtures" / "ingest"
ARABIC = "أعلنت فصائل المعارضة سيطرتها على تلة استراتيجية قرب بلدة اللطامنة في ريف حماة الشمالي بعد اشتباكات."


def docs_and_rejections(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Rejection)]


def one(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


# --- formats ---------------------------------------------------------------------------------------------

def test_text_file_id_is_path_and_text_exact():
    path = FIX / "report.txt"
    doc = one(read_sources([path]))
    assert isinstance(doc, Document)
    assert doc.id == str(path)
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.meta["format"] == "text"


def test_json_article_object_fields():
    doc = one(read_sources([FIX / "article.json"]))
    assert isinstance(doc, Document)
    assert (doc.id, doc.url, doc.outlet, doc.title) == ("art-1", "https://example.org/news/1", "شبكة الرصد",
                                                      "قصف على دوما")
    assert doc.published == dt.date(2018, 3, 2)
    assert doc.text.startswith("قصفت طائرات حربية")


def test_json_list_of_articles_gets_indexed_ids(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"text": ARABIC}, {"id": 7, "text": ARABIC + " ثانية"}], ensure_ascii=False),
                    encoding="utf-8")
    docs, rej = docs_and_rejections(read_sources([path]))
    assert rej == []
    assert [d.id for d in docs] == [f"{path}:1", "7"]


def test_jsonl_keeps_good_lines_and_rejects_bad_ones():
    path = FIX / "articles.jsonl"
    docs, rej = docs_and_rejections(read_sources([path]))
    assert [d.id for d in docs] == ["j1", f"{path}:2", "j3", "j8"]
    assert docs[1].published == dt.date(2019, 8, 15)
    assert docs[3].published == dt.date(2019, 8, 14)  # "date" alias, day-first format
    codes = {r.doc_id: r.code for r in rej}
    assert codes == {f"{path}:5": "M105", f"{path}:6": "M105", "j6": "M106", "j7": "M103"}
    truncated = next(r for r in rej if r.doc_id == f"{path}:5")
    assert "Unterminated string" in truncated.reason


def test_bad_published_is_a_warning_not_a_rejection():
    docs, _ = docs_and_rejections(read_sources([FIX / "articles.jsonl"]))
    j3 = next(d for d in docs if d.id == "j3")
    assert j3.published is None
    assert j3.meta["warnings"] and j3.meta["warnings"][0].startswith("[M150]")


def test_csv_with_auto_text_column_and_multiline_record():
    path = FIX / "articles.csv"
    docs, rej = docs_and_rejections(read_sources([path]))
    assert [d.id for d in docs] == ["c1", "c2", f"{path}:5"]
    assert "\n" in docs[2].text
    assert docs[0].published == dt.date(2017, 11, 1) and docs[0].url == "https://example.org/c1"
    assert docs[1].published is None and "M150" in docs[1].meta["warnings"][0]
    assert [(r.doc_id, r.code) for r in rej] == [("c3", "M103"), (f"{path}:7", "M105")]


def test_csv_text_column_option_and_missing_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("key,story\nk1," + ARABIC + "\n", encoding="utf-8")
    docs, _ = docs_and_rejections(read_sources([path], text_column="story"))
    assert [d.text for d in docs] == [ARABIC]
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M106" and "--text-column" in rej.reason
    rej = one(read_sources([path], text_column="nope"))
    assert isinstance(rej, Rejection) and rej.code == "M106" and "'nope'" in rej.reason


def test_html_article_extracted_without_boilerplate():
    doc = one(read_sources([FIX / "page.html"]))
    assert isinstance(doc, Document)
    assert doc.title == "غارات على ريف حماة الشمالي"
    assert doc.published == dt.date(2019, 5, 20)
    assert doc.meta.get("author") == "Sami Haddad"
    assert "شنت الطائرات الحربية الروسية" in doc.text
    for chrome in ("الرئيسية", "اشترك في النشرة", "جميع الحقوق محفوظة", "سياسة الخصوصية"):
        assert chrome not in doc.text


def test_html_without_article_is_rejected(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
                    encoding="utf-8")
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M105"


def test_rss_and_atom_feeds():
    docs, rej = docs_and_rejections(read_sources([FIX / "feed.xml", FIX / "atom.xml"]))
    assert rej == []
    assert [d.id for d in docs] == ["https://example.org/a/101", "https://example.org/a/102",
                                    "https://example.org/a/103", "urn:example:south:1"]
    assert docs[0].published == dt.date(2013, 4, 2) and docs[0].outlet == "أخبار الساحل"
    assert "<p>" not in docs[0].text and docs[0].text.startswith("انفجرت عبوة ناسفة")
    assert docs[2].published is None and "M150" in docs[2].meta["warnings"][0]
    assert "ويقدر عدد المحاصرين" in docs[3].text


def test_directory_recursive_sorted_and_hidden_skipped():
    tree = FIX / "tree"
    ids = [d.id for d in read_sources([tree]) if isinstance(d, Document)]
    assert ids == [str(tree / "a.txt"), str(tree / "sub" / "b.txt"), "tree-json"]
    flat = [d.id for d in read_sources([tree], recursive=False)]
    assert flat == [str(tree / "a.txt")]


def test_stdin_text_and_jsonl():
    doc = one(read_sources(["-"], stdin=io.BytesIO(ARABIC.encode("utf-8"))))
    assert isinstance(doc, Document) and doc.text == ARABIC and doc.id == "stdin"
    lines = "\n".join(json.dumps({"text": f"{ARABIC} {n}"}, ensure_ascii=False) for n in range(3))
    docs, rej = docs_and_rejections(read_sources(["-"], stdin=io.BytesIO(lines.encode("utf-8"))))
    assert rej == [] and [d.id for d in docs] == ["stdin:1", "stdin:2", "stdin:3"]


def test_stdin_json_lines_are_streamed_as_they_arrive():
    """A live feed: each document comes out as its line is read, before standard input is closed."""
    import os
    import threading

    read_fd, write_fd = os.pipe()
    reader, writer = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
    line = [(json.dumps({"id": f"live-{n}", "text": f"{ARABIC} {n}"}, ensure_ascii=False) + "\n").encode()
            for n in range(3)]
    got_two = threading.Event()
    waited_in_vain: list[bool] = []

    def feed():
        writer.write(line[0] + b"\n" + line[1])  # a blank line between the first two
        writer.flush()
        waited_in_vain.append(not got_two.wait(5))  # the last line only after the first two were read
        writer.write(line[2])
        writer.close()

    thread = threading.Thread(target=feed)
    thread.start()
    try:
        items = read_sources(["-"], stdin=reader)
        first, second = next(items), next(items)
        assert [first.id, second.id] == ["live-0", "live-1"] and not got_two.is_set()
        got_two.set()
        assert [d.id for d in items] == ["live-2"]
    finally:
        got_two.set()
        thread.join(10)
        reader.close()
    assert waited_in_vain == [False], "the first documents came out only once standard input was closed"


def test_stdin_json_lines_are_bounded_per_line_not_in_all():
    lines = "".join(json.dumps({"text": f"{ARABIC} {n}"}, ensure_ascii=False) + "\n" for n in range(5))
    lines += json.dumps({"text": ARABIC * 10}, ensure_ascii=False) + "\n"
    docs, rej = docs_and_rejections(read_sources(["-"], stdin=io.BytesIO(lines.encode()), max_bytes=600))
    assert len(lines.encode()) > 600 and len(docs) == 5
    assert [(r.doc_id, r.code) for r in rej] == [("stdin:6", "M104")]


@pytest.mark.parametrize("data,kind", [
    (json.dumps({"text": ARABIC}, ensure_ascii=False) + "\n", "one JSON object on a line"),
    (json.dumps({"text": ARABIC}, ensure_ascii=False) + "\n\n\n", "one object, then blank lines"),
    ('{\n  "text": "' + ARABIC + '"\n}\n', "a pretty-printed object"),
    ("<html><body><article><p>" + ARABIC + "</p></article></body></html>", "HTML"),
])
def test_stdin_that_is_not_json_lines_is_read_whole_as_before(data, kind):
    doc = one(read_sources(["-"], stdin=io.BytesIO(data.encode())))
    assert isinstance(doc, Document) and ARABIC[:20] in doc.text and doc.id == "stdin", kind
    assert list(read_sources(["-"], stdin=io.BytesIO(data.encode()))) == \
        list(read_bytes(data.encode(), source="stdin")), kind


def test_missing_path_is_rejected():
    rej = one(read_sources(["/nonexistent/marsad/file.txt"]))
    assert isinstance(rej, Rejection) and rej.code == "M100"
    assert rej.to_dict() == {"id": "/nonexistent/marsad/file.txt", "source": "/nonexistent/marsad/file.txt",
                             "error": {"code": "M100", "reason": rej.reason}}


# --- encodings --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b""), ("utf-16-le", b""), ("utf-16-be", b""),
    ("cp1256", b""),
])
def test_encodings_decode_to_the_same_text(tmp_path, encoding, prefix):
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(prefix + ARABIC.encode(encoding))
    doc = one(read_sources([path]))
    assert isinstance(doc, Document), doc
    assert doc.text == ARABIC


def test_utf16_jsonl_and_cp1256_csv(tmp_path):
    jsonl = tmp_path / "u16.jsonl"
    jsonl.write_bytes(("\n".join(json.dumps({"id": f"u{n}", "text": ARABIC}, ensure_ascii=False)
                                 for n in range(2))).encode("utf-16"))
    csvf = tmp_path / "legacy.csv"
    csvf.write_bytes(("id,text\nw1," + ARABIC + "\n").encode("cp1256"))
    docs, rej = docs_and_rejections(read_sources([jsonl, csvf]))
    assert rej == []
    assert [(d.id, d.text) for d in docs] == [("u0", ARABIC), ("u1", ARABIC), ("w1", ARABIC)]


def test_jsonl_line_in_cp1256_among_utf8_lines(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "a", "text": ARABIC}, ensure_ascii=False).encode("utf-8")
    legacy = json.dumps({"id": "b", "text": ARABIC}, ensure_ascii=False).encode("cp1256")
    path.write_bytes(good + b"\n" + legacy + b"\n")
    docs, rej = docs_and_rejections(read_sources([path]))
    assert [(d.id, d.text) for d in docs] == [("a", ARABIC), ("b", ARABIC)] and rej == []


def test_undecodable_bytes_rejected_with_reason(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Ça coûte très cher, répétèrent-ils à Zürich".encode("latin-1") + b"\xff\xfe\x81" * 3)
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M101"
    assert "invalid UTF-8" in rej.reason and "Windows-1256" in rej.reason


def test_mojibake_cp1256_of_latin_text_not_accepted():
    with pytest.raises(Exception, match="M101"):
        decode_bytes("Grüße aus München, schöne Straße, Äpfel und Öl".encode("latin-1"))


@pytest.mark.parametrize("payload,needle", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    (b"\x1f\x8b\x08\x00" + bytes(range(256)), "gzip"),
    ("نص عربي".encode() + b"\x00\x00 more", "NUL"),
    (bytes(range(1, 32)) * 40, "control bytes"),
])
def test_binary_rejected(tmp_path, payload, needle):
    path = tmp_path / "blob.txt"
    path.write_bytes(payload)
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M102" and needle in rej.reason


def test_empty_and_whitespace_only(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text(" \n\t\u200f\u200e \n", encoding="utf-8")
    items = list(read_sources([tmp_path]))
    assert [(i.doc_id, i.code) for i in items if isinstance(i, Rejection)] == [
        (str(tmp_path / "a.txt"), "M103"), (str(tmp_path / "b.txt"), "M103")]


# --- malformed and oversized ------------------------------------------------------------------------------

def test_truncated_json_rejected(tmp_path):
    path = tmp_path / "cut.json"
    full = json.dumps({"id": "x", "text": ARABIC}, ensure_ascii=False)
    path.write_text(full[: len(full) // 2], encoding="utf-8")
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M105" and "truncated" in rej.reason


@pytest.mark.parametrize("depth", [100, 200_000])
def test_deeply_nested_json_rejected(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text('{"text": "x", "a": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M105" and "nested" in rej.reason


def test_oversized_file_rejected_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(50_000_000)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M104" and "50,000,000 bytes" in rej.reason
    assert opened == []


def test_oversized_jsonl_line_rejected_others_kept(tmp_path):
    path = tmp_path / "big.jsonl"
    small = json.dumps({"id": "s", "text": ARABIC}, ensure_ascii=False)
    big = json.dumps({"id": "b", "text": ARABIC * 200}, ensure_ascii=False)
    path.write_text(f"{small}\n{big}\n{small.replace('s', 't', 1)}\n", encoding="utf-8")
    docs, rej = docs_and_rejections(read_sources([path], max_bytes=5000))
    assert [d.id for d in docs] == ["s", "t"]
    assert [(r.doc_id, r.code) for r in rej] == [(f"{path}:2", "M104")]


def test_oversized_stdin_rejected():
    rej = one(read_sources(["-"], stdin=io.BytesIO(b"x" * 101), max_bytes=100))
    assert isinstance(rej, Rejection) and rej.code == "M104"


def test_read_bytes_sniffs_html():
    html = (FIX / "page.html").read_bytes()
    doc = one(read_bytes(html, source="http://example.org/p", url="http://example.org/p"))
    assert isinstance(doc, Document) and doc.url == "http://example.org/p" and doc.meta["format"] == "html"


# --- published --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("2019-08-14", dt.date(2019, 8, 14)),
    ("2019-08-14T23:10:00Z", dt.date(2019, 8, 14)),
    ("2019-08-14 23:10:00+03:00", dt.date(2019, 8, 14)),
    ("Wed, 14 Aug 2019 10:00:00 +0000", dt.date(2019, 8, 14)),
    ("14/08/2019", dt.date(2019, 8, 14)),
    ("2019/8/14", dt.date(2019, 8, 14)),
    ("14 August 2019", dt.date(2019, 8, 14)),
    ("Aug 14, 2019", dt.date(2019, 8, 14)),
    ("١٤ آب ٢٠١٩", dt.date(2019, 8, 14)),
    ("الأربعاء، 14 أغسطس 2019", dt.date(2019, 8, 14)),
    ("4 أيلول/سبتمبر 2017", dt.date(2017, 9, 4)),
    ("14 تشرين الثاني 2015", dt.date(2015, 11, 14)),
    (1565776800, dt.date(2019, 8, 14)),
    (None, None),
    ("  ", None),
])
def test_parse_published(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["2019-13-45", "yesterday", "0001-01-01", "32/01/2019", True, [2019]])
def test_parse_published_bad_values(value):
    from marsad.errors import MetadataWarning

    with pytest.raises(MetadataWarning) as info:
        parse_published(value)
    assert info.value.code == "M150"


# --- more shapes --------------------------------------------------------------------------------------------

def test_cp1256_html_page(tmp_path):
    html = (FIX / "page.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="windows-1256"')
    path = tmp_path / "legacy.htm"
    path.write_bytes(html.encode("cp1256"))
    doc = one(read_sources([path]))
    assert isinstance(doc, Document) and "شنت الطائرات الحربية الروسية" in doc.text


def test_csv_with_bom_and_tsv(tmp_path):
    csvf = tmp_path / "bom.csv"
    csvf.write_bytes(codecs.BOM_UTF8 + ("id,text\nb1," + ARABIC + "\n").encode("utf-8"))
    tsv = tmp_path / "t.tsv"
    tsv.write_text("id\ttext\tpublished\nt1\t" + ARABIC + "\t2015-06-01\n", encoding="utf-8")
    docs, rej = docs_and_rejections(read_sources([csvf, tsv]))
    assert rej == [] and [d.id for d in docs] == ["b1", "t1"]
    assert docs[1].published == dt.date(2015, 6, 1) and docs[0].text == ARABIC


def test_json_articles_key_and_bad_text_types(tmp_path):
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"articles": [{"id": "w1", "text": ARABIC}, {"id": "w2", "text": 42}, "nope"]},
                               ensure_ascii=False), encoding="utf-8")
    docs, rej = docs_and_rejections(read_sources([path]))
    assert [d.id for d in docs] == ["w1"]
    assert [(r.doc_id, r.code) for r in rej] == [("w2", "M106"), (f"{path}:3", "M105")]


def test_html_over_extraction_limit_rejected(tmp_path):
    from marsad.ingest.web import MAX_HTML_BYTES

    path = tmp_path / "huge.html"
    path.write_text("<html><body><p>" + "ن" * (MAX_HTML_BYTES + 10) + "</p></body></html>", encoding="utf-8")
    rej = one(read_sources([path]))
    assert isinstance(rej, Rejection) and rej.code == "M104" and "article extraction" in rej.reason

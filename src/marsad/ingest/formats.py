"""Article formats: JSON article objects, JSONL (one per line, streamed) and CSV with a text column.

An article object is ``{"id", "text", "published", "url", "outlet", "title"}``; ``body`` or ``content`` may
stand for ``text`` and ``date`` for ``published``. Unknown keys are ignored. Records without an ``id`` get
``SOURCE`` (a single object), or ``SOURCE:N`` (the N-th object of a list, the line of a JSONL file, the
line a CSV record starts on).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

import orjson

from marsad.errors import BinaryInputError, EncodingError, MalformedError, MarsadError, MissingFieldError
from marsad.ingest.base import Item, Rejection, make_document
from marsad.ingest.decode import decode_record, plausible_arabic_cp1256, sniff_encoding

TEXT_KEYS: tuple[str, ...] = ("text", "body", "content")
PUBLISHED_KEYS: tuple[str, ...] = ("published", "date", "published_at", "pubdate")
TEXT_COLUMNS: tuple[str, ...] = ("text", "body", "content", "article", "نص", "النص")
LIST_KEYS: tuple[str, ...] = ("articles", "documents", "items", "data")
MAX_DEPTH = 64


def _depth_exceeds(obj: Any, limit: int) -> bool:
    """Iteratively check whether ``obj`` nests deeper than ``limit`` containers."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def parse_json(text: str, *, what: str) -> Any:
    """``json.loads`` with typed errors: truncated/malformed JSON and deep nesting raise ``MalformedError``."""
    try:
        try:  # orjson is several times faster; what it refuses (NaN, huge integers, lone surrogates, very deep
            obj = orjson.loads(text)  # nesting, malformed text) goes to json, which decides and explains
        except orjson.JSONDecodeError:
            obj = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (the data ends early: truncated?)" if exc.pos >= len(text.rstrip()) else ""
        raise MalformedError(f"malformed JSON in {what}: {exc.msg} (line {exc.lineno}, column {exc.colno}){hint}",
                             value=exc.pos) from None
    except RecursionError:
        raise MalformedError(f"JSON in {what} is nested too deeply", value=what) from None
    if _depth_exceeds(obj, MAX_DEPTH):
        raise MalformedError(f"JSON in {what} is nested more than {MAX_DEPTH} levels deep", value=what)
    return obj


def article_item(obj: Any, *, source: str, default_id: str, fmt: str) -> Item:
    """One article object → ``Document`` or ``Rejection`` (M105 not an object, M106 no text field)."""
    if not isinstance(obj, dict):
        return Rejection(source, default_id, "M105", f"expected an article object, got {type(obj).__name__}")
    raw_id = obj.get("id")
    doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and str(raw_id) \
        else default_id
    key = next((k for k in TEXT_KEYS if k in obj), None)
    if key is None:
        return Rejection(source, doc_id, "M106", f"article object has no text field (expected one of "
                         f"{', '.join(TEXT_KEYS)}; keys: {', '.join(sorted(map(str, obj))[:12])})")
    text = obj[key]
    if not isinstance(text, str):
        return Rejection(source, doc_id, "M106", f"article field {key!r} is {type(text).__name__}, not text")
    published = next((obj[k] for k in PUBLISHED_KEYS if obj.get(k) not in (None, "")), None)
    return make_document(doc_id=doc_id, text=text, source=source, fmt=fmt, published=published,
                         url=obj.get("url") or obj.get("link"), outlet=obj.get("outlet") or obj.get("source"),
                         title=obj.get("title"))


def read_json(text: str, *, source: str, fmt: str = "json") -> Iterator[Item]:
    """A JSON file: one article object, a list of them, or ``{"articles": [...]}``."""
    try:
        obj = parse_json(text, what=source)
    except MalformedError as exc:
        yield Rejection.from_error(exc, source=source)
        return
    items: list[Any] | None = obj if isinstance(obj, list) else None
    if isinstance(obj, dict) and not any(k in obj for k in TEXT_KEYS):
        items = next((obj[k] for k in LIST_KEYS if isinstance(obj.get(k), list)), None)
    if items is None:
        yield article_item(obj, source=source, default_id=source, fmt=fmt)
        return
    if not items:
        yield Rejection(source, None, "M103", "JSON file holds an empty list of articles")
    for n, item in enumerate(items, start=1):
        yield article_item(item, source=source, default_id=f"{source}:{n}", fmt=fmt)


def _bounded_lines(stream: IO[Any], max_bytes: int, first_line: int = 1) -> Iterator[tuple[int, Any, bool]]:
    """``(lineno, line, too_long)`` without ever holding more than ``max_bytes`` of one line."""
    lineno = first_line - 1
    nl: Any = "\n" if isinstance(stream, io.TextIOBase) else b"\n"
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) > max_bytes and not line.endswith(nl):
            while True:  # skip the rest of the over-long line
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(nl):
                    break
            yield lineno, line[:0], True
            continue
        yield lineno, line, False


def read_jsonl(stream: IO[bytes], *, source: str, max_bytes: int, first_line: int = 1,
               encoding: str | None = None) -> Iterator[Item]:
    """Stream a JSONL file line by line: bad lines are rejected one by one, good lines are kept.

    A slice of a file (``marsad.ingest.slices``) starts at line ``first_line`` and is read with the
    ``encoding`` sniffed from the head of the whole file (``"utf-8"``: no sniffing of the slice's own head).
    """
    if encoding is None:
        head = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
        try:
            enc = sniff_encoding(head, what=source)
        except BinaryInputError as exc:
            yield Rejection.from_error(exc, source=source)
            return
    else:
        enc = encoding
    lines: IO[Any]
    if enc == "utf-8-sig":
        stream.read(3)
        lines, per_line = stream, True
    elif enc == "utf-8":
        lines, per_line = stream, True
    else:
        lines, per_line = io.TextIOWrapper(stream, encoding=enc, errors="strict", newline=""), False
    n_good = 0
    try:
        for lineno, raw, too_long in _bounded_lines(lines, max_bytes, first_line):
            doc_id = f"{source}:{lineno}"
            if too_long:
                yield Rejection(source, doc_id, "M104", f"line {lineno} is over the limit of {max_bytes:,} bytes")
                continue
            try:
                text = decode_record(raw, what=f"line {lineno}") if per_line else raw
            except MarsadError as exc:
                yield Rejection.from_error(exc, source=source, doc_id=doc_id)
                continue
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                obj = parse_json(text, what=f"line {lineno}")
            except MalformedError as exc:
                yield Rejection.from_error(exc, source=source, doc_id=doc_id)
                continue
            item = article_item(obj, source=source, default_id=doc_id, fmt="jsonl")
            if not isinstance(item, Rejection):
                n_good += 1
            yield item
    except UnicodeDecodeError as exc:
        yield Rejection(source, None, "M101", f"not valid {enc} after {n_good} good lines: {exc.reason}")


def _text_column(header: list[str], text_column: str | None, *, source: str) -> int:
    folded = [h.strip().lower() for h in header]
    if text_column is not None:
        if text_column in header:
            return header.index(text_column)
        if text_column.lower() in folded:
            return folded.index(text_column.lower())
        raise MissingFieldError(f"no column {text_column!r} in the CSV header of {source} "
                             f"(columns: {', '.join(header)})", value=text_column)
    for name in TEXT_COLUMNS:
        if name in folded:
            return folded.index(name)
    raise MissingFieldError(f"no text column in the CSV header of {source} (columns: {', '.join(header)}); "
                         "name one with --text-column", value=header)


def _csv_text_stream(stream: IO[bytes], *, source: str) -> io.TextIOWrapper:
    head = stream.peek(65536)[:65536] if hasattr(stream, "peek") else b""
    enc = sniff_encoding(head, what=source)
    if enc == "utf-8":
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            if not plausible_arabic_cp1256(head.decode("cp1256")):
                raise EncodingError(f"{source} is neither UTF-8 nor Windows-1256 Arabic", value=source) from None
            enc = "cp1256"
    return io.TextIOWrapper(stream, encoding=enc, errors="strict", newline="")


def read_csv(stream: IO[bytes], *, source: str, text_column: str | None = None, delimiter: str = ",") -> Iterator[Item]:
    """Stream a CSV (or TSV) file with a header row; each row with text becomes a document."""
    try:
        text_stream = _csv_text_stream(stream, source=source)
    except MarsadError as exc:
        yield Rejection.from_error(exc, source=source)
        return
    reader = csv.reader(text_stream, delimiter=delimiter)
    try:
        header = next(reader)
        col = _text_column(header, text_column, source=source)
    except StopIteration:
        yield Rejection(source, None, "M103", "CSV file is empty")
        return
    except MarsadError as exc:
        yield Rejection.from_error(exc, source=source)
        return
    except (csv.Error, UnicodeDecodeError) as exc:
        yield Rejection(source, None, "M105", f"malformed CSV header: {exc}")
        return
    folded = [h.strip().lower() for h in header]
    idx = {name: folded.index(name) for name in ("id", "url", "outlet", "title", *PUBLISHED_KEYS) if name in folded}
    while True:
        start = reader.line_num + 1
        doc_id = f"{source}:{start}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            code = "M104" if "field limit" in str(exc) else "M105"
            yield Rejection(source, doc_id, code, f"CSV record at line {start}: {exc}")
            continue
        except UnicodeDecodeError as exc:
            yield Rejection(source, None, "M101", f"CSV is not valid {text_stream.encoding} after line {start}: "
                            f"{exc.reason}")
            return
        if not row:
            continue
        if len(row) != len(header):
            yield Rejection(source, doc_id, "M105", f"CSV record at line {start} has {len(row)} fields, "
                            f"the header has {len(header)}")
            continue
        fields = {name: row[i] for name, i in idx.items()}
        doc_id = fields.get("id", "").strip() or doc_id
        published = next((fields[k] for k in PUBLISHED_KEYS if fields.get(k, "").strip()), None)
        yield make_document(doc_id=doc_id, text=row[col], source=source, fmt="csv", published=published,
                            url=fields.get("url"), outlet=fields.get("outlet"), title=fields.get("title"))

"""Robust readers: files, directories and stdin → ``Document`` or ``Rejection``, never an exception.

::

    from marsad.ingest.readers import read_sources, Rejection
    for item in read_sources(["reports/", "feed.xml", "-"], text_column="body"):
        if isinstance(item, Rejection):
            print(item.to_dict())          # {"id", "source", "error": {"code", "reason"}}
        else:
            result = pipeline(item)         # a marsad.model.Document

Formats, chosen by extension (stdin and unknown extensions are sniffed):

* ``.txt`` (and any other text file): the whole file is one document, id = the path;
* ``.html``/``.htm``/``.xhtml``: the article extracted by trafilatura (title, date, author, body);
* ``.json``: an article object ``{id, text, published, url, outlet, title}``, a list of them, or
  ``{"articles": [...]}``;
* ``.jsonl``/``.ndjson``: one article per line, streamed; bad lines are rejected and good lines kept;
  lines without an id get ``PATH:LINENO``;
* ``.csv``/``.tsv``: a header row and a text column (``text_column``, else ``text``/``body``/``content``);
* ``.xml``/``.rss``/``.atom``: an RSS or Atom feed, one document per entry;
* directories: read recursively (``recursive=True``) in sorted order, hidden files and folders skipped;
* ``-``: standard input. JSON lines are streamed as they arrive, like a ``.jsonl`` file (a live feed,
  ``tail -f feed.jsonl | marsad extract - --batch-size 1``, gives each result as its line is read);
  anything else is read whole and sniffed.

Encodings: UTF-8 with or without BOM, UTF-16 (BOM or detectable), Windows-1256 Arabic. Rejections carry
the codes of ``marsad.errors``: M100 unreadable source, M101 encoding, M102 binary/NUL, M103 empty,
M104 too large, M105 malformed JSON/JSONL/CSV/HTML/feed, M106 no text field. A bad ``published`` value
is not a rejection: the document is yielded with ``published=None`` and an M150 warning in
``meta["warnings"]``.

Size: ``max_bytes`` bounds a whole file for whole-file formats (checked with ``stat`` before reading) and
one record for streamed formats (JSONL, CSV), so a large file is never read into memory just to be refused.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from marsad.errors import MarsadError, TooLargeError
from marsad.ingest.base import Item, Rejection, make_document
from marsad.ingest.decode import decode_bytes, sniff_encoding
from marsad.ingest.formats import read_csv, read_json, read_jsonl
from marsad.ingest.web import feed_items, html_item, is_feed

__all__ = ["DEFAULT_MAX_BYTES", "Item", "Rejection", "iter_files", "read_bytes", "read_file", "read_sources",
           "read_stdin"]

DEFAULT_MAX_BYTES = 20_000_000
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


def iter_files(root: Path, *, recursive: bool = True) -> Iterator[Path]:
    """Files under ``root`` in sorted, deterministic order; hidden entries and symlinked folders skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if recursive:
                yield from iter_files(path, recursive=True)
        elif entry.is_file():
            yield path


def _read_bounded(stream: IO[bytes], max_bytes: int, *, what: str) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLargeError(f"{what} is over the limit of {max_bytes:,} bytes", value=max_bytes)
    return data


def _sniff_kind(text: str) -> str:
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    low = head.lower()
    if head.startswith(("{", "[")):
        return "json"
    if is_feed(low):
        return "feed"
    if low.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in low or "<p>" in low or "<article" in low:
        return "html"
    return "text"


def read_bytes(data: bytes, *, source: str, doc_id: str | None = None, kind: str | None = None,
               url: str | None = None) -> Iterator[Item]:
    """Read one whole buffer (a file, stdin or a fetched page). ``kind``: text, html, json, jsonl, feed or None."""
    doc_id = doc_id or source
    try:
        decoded = decode_bytes(data, what=source)
    except MarsadError as exc:
        yield Rejection.from_error(exc, source=source, doc_id=doc_id)
        return
    text = decoded.text
    kind = kind or _sniff_kind(text)
    if kind == "json":
        items = list(read_json(text, source=source))
        if len(items) == 1 and isinstance(items[0], Rejection) and "Extra data" in items[0].reason:
            kind = "jsonl"  # several objects: one per line
        else:
            yield from items
            return
    if kind == "jsonl":
        yield from read_jsonl(io.BytesIO(text.encode("utf-8")), source=source, max_bytes=max(len(data), 1))
    elif kind == "feed":
        yield from feed_items(text, source=source)
    elif kind == "html":
        yield html_item(text, source=source, doc_id=doc_id, url=url)
    else:
        yield make_document(doc_id=doc_id, text=text, source=source, fmt="text", url=url,
                            extra_meta={"encoding": decoded.encoding})


def read_file(path: Path, *, text_column: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              source: str | None = None) -> Iterator[Item]:
    """Read one file by its extension (see the module docstring). ``source`` (default: ``str(path)``) names it
    in ids and rejections, e.g. the relative path a user gave while ``path`` is absolute."""
    source = str(path) if source is None else source
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES or suffix in (".csv", ".tsv"):
            with path.open("rb", buffering=65536) as stream:
                if suffix in JSONL_SUFFIXES:
                    yield from read_jsonl(stream, source=source, max_bytes=max_bytes)
                else:
                    yield from read_csv(stream, source=source, text_column=text_column,
                                        delimiter="\t" if suffix == ".tsv" else ",")
            return
        size = path.stat().st_size
        if size > max_bytes:
            yield Rejection(source, source, "M104", f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
                            "(max_bytes); not read")
            return
        with path.open("rb") as stream:
            data = _read_bounded(stream, max_bytes, what=source)
    except MarsadError as exc:
        yield Rejection.from_error(exc, source=source, doc_id=source)
        return
    except OSError as exc:
        yield Rejection(source, source, "M100", f"cannot read {source}: {exc.strerror or exc}")
        return
    kind = {".json": "json", ".txt": "text"}.get(suffix)
    if suffix in HTML_SUFFIXES:
        kind = "html"
    elif suffix in FEED_SUFFIXES:
        kind = "feed"
    yield from read_bytes(data, source=source, kind=kind)


class _Prefixed(io.RawIOBase):
    """``prefix`` (bytes already read), then the rest of ``stream``."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._stream.read1(len(buffer)) if hasattr(self._stream, "read1") else self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _json_object_line(line: bytes) -> bool:
    text = line.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(text), dict)
    except orjson.JSONDecodeError:
        return False


def read_stdin(stream: IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Standard input. When its first two non-blank lines are JSON objects (UTF-8), it is JSON lines and is
    streamed line by line, exactly as a ``.jsonl`` file (ids ``stdin:LINENO``, ``max_bytes`` per line);
    otherwise it is read whole, at most ``max_bytes``, and sniffed (a single JSON object, HTML, a feed, text)."""
    first = stream.readline(max_bytes + 1)
    lines = [first]
    if len(first) <= max_bytes and first.endswith(b"\n") and _json_object_line(first):
        try:
            utf8 = sniff_encoding(first[:8192], what="standard input") in ("utf-8", "utf-8-sig")
        except MarsadError:
            utf8 = False
        while utf8:
            line = stream.readline(max_bytes + 1)
            lines.append(line)
            if not line:
                break  # a single object: read whole, below
            if line.strip():
                head = b"".join(lines)
                yield from read_jsonl(io.BufferedReader(_Prefixed(head, stream)), source="stdin",
                                      max_bytes=max_bytes)
                return
            if sum(map(len, lines)) > max_bytes:
                break
    head = b"".join(lines)
    data = head + stream.read(max(0, max_bytes + 1 - len(head)))
    if len(data) > max_bytes:
        too_large = TooLargeError(f"standard input is over the limit of {max_bytes:,} bytes", value=max_bytes)
        yield Rejection.from_error(too_large, source="-", doc_id="stdin")
        return
    yield from read_bytes(data, source="stdin")


def read_sources(sources: Iterable[str | Path], *, text_column: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, recursive: bool = True,
                 stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every document (or rejection) from files, directories and ``-`` (stdin), in a deterministic order."""
    for src in sources:
        name = str(src)
        if name == "-":
            yield from read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes=max_bytes)
            continue
        path = Path(src)
        if path.is_dir():
            for file in iter_files(path, recursive=recursive):
                yield from read_file(file, text_column=text_column, max_bytes=max_bytes)
        elif path.exists():
            yield from read_file(path, text_column=text_column, max_bytes=max_bytes)
        else:
            yield Rejection(name, name, "M100", f"no such file or directory: {name}")

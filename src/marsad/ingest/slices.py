"""Input that the workers read themselves: a plan of *slices* of the input files, cut on the client.

::

    from marsad.ingest.slices import ReadOptions, plan_reads
    for batch in plan_reads(["corpus.jsonl", "reports/"], ReadOptions(), sizes=iter([8, 16, 32, 64])):
        items = batch if isinstance(batch, list) else batch.items()    # on a worker: it reads its own slices

The client of a parallel engine would otherwise read, parse and ship every document, and take each back in
the result: on two cores that is a tenth of the run. Dask reads text the same way (``dask.bag.read_text``
with a ``blocksize``): the scheduler hands out byte ranges and each worker reads its own.

* **UTF-8 JSONL** files are cut into slices of whole lines: ``[start, end)`` byte ranges, each with the
  number of its first line, so that ids (``PATH:LINENO``), rejections and order are exactly those of
  ``read_sources``. The client only scans for newlines, block by block, never holding a line (memory stays
  bounded however long a line is).
* **Whole-file formats** (text, HTML, JSON, feeds: each bounded by ``max_bytes``) are slices of one file,
  read on the worker by ``read_file``.
* **Everything else is read on the client**, as before, and travels in the batch: standard input, URLs
  (``client_read``), missing paths, CSV/TSV (a record may span lines) and JSONL in UTF-16/32 (not
  splittable on a newline byte). Their items are streamed, so memory stays bounded for them too.

Batches hold at most the next of ``sizes`` lines or files, and whole files at most ``max_batch_bytes``
(a file larger than that is a batch by itself). The workers must see the files at the same absolute paths
as the client: true of a local cluster or process pool; a remote cluster needs a shared file system.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.errors import BinaryInputError
from marsad.ingest.base import Item, Rejection
from marsad.ingest.decode import sniff_encoding
from marsad.ingest.formats import read_jsonl
from marsad.ingest.readers import DEFAULT_MAX_BYTES, JSONL_SUFFIXES, iter_files, read_file, read_sources

__all__ = ["FileSlice", "ReadOptions", "Slices", "plan_reads"]

#: Bytes the client scans at a time while cutting a JSONL file into slices.
SCAN_BLOCK = 1 << 20
#: Whole files per batch stop at this many bytes (a larger file is a batch by itself).
MAX_BATCH_BYTES = 16 << 20
_CLIENT_SUFFIXES = frozenset({".csv", ".tsv"})
_HEAD = 8192  # what read_jsonl sniffs the encoding from


@dataclass(frozen=True)
class ReadOptions:
    """How sources are read (the options of ``read_sources``)."""

    text_column: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    recursive: bool = True


@dataclass(frozen=True, slots=True)
class FileSlice:
    """Lines ``[start, end)`` (bytes) of a UTF-8 JSONL file, or (``end is None``) one whole file."""

    source: str  # the file as read_sources names it: in ids and rejections
    path: str  # the absolute path the worker opens
    start: int = 0
    end: int | None = None
    first_line: int = 1
    encoding: str = "utf-8"  # of a range: the whole file's, sniffed from its head ("utf-8-sig": BOM skipped)

    def read(self, options: ReadOptions) -> Iterator[Item]:
        if self.end is None:
            yield from read_file(Path(self.path), text_column=options.text_column, max_bytes=options.max_bytes,
                                 source=self.source)
            return
        try:
            raw = open(self.path, "rb", buffering=0)  # noqa: SIM115 (closed below, after the last line)
        except OSError as exc:
            yield Rejection(self.source, f"{self.source}:{self.first_line}", "M100",
                            f"cannot read {self.source}: {exc.strerror or exc}")
            return
        with raw:
            raw.seek(self.start)
            stream = io.BufferedReader(_Range(raw, self.end - self.start), 65536)
            yield from read_jsonl(stream, source=self.source, max_bytes=options.max_bytes,
                                  first_line=self.first_line,
                                  encoding=self.encoding if self.start == 0 else "utf-8")


@dataclass(frozen=True, slots=True)
class Slices:
    """A batch that the worker reads itself: a few numbers on the wire instead of the documents."""

    slices: tuple[FileSlice, ...]
    options: ReadOptions

    def items(self) -> list[Item]:
        return [item for piece in self.slices for item in piece.read(self.options)]


class _Range(io.RawIOBase):
    """At most ``length`` bytes of ``raw`` from where it stands."""

    def __init__(self, raw: Any, length: int) -> None:
        self._raw = raw
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._left)
        if n <= 0:
            return 0
        got: int = self._raw.readinto(memoryview(buffer)[:n]) or 0
        self._left -= got
        return got


class _LineCutter:
    """Cuts a file into runs of whole lines, scanning it block by block for newlines (bytes never kept)."""

    def __init__(self, raw: Any, *, block: int = SCAN_BLOCK) -> None:
        self._raw = raw
        self._block = block
        self._buf = b""
        self._off = 0  # in _buf
        self.pos = 0  # file offset of the first byte not yet cut
        self._open_line = False  # bytes since the last newline (a last line without one still counts)

    def cut(self, want: int) -> tuple[int, int, int]:
        """The next ``want`` lines (fewer at the end of the file): ``(start, end, lines)``."""
        start, lines = self.pos, 0
        while lines < want:
            if self._off >= len(self._buf):
                self._buf, self._off = self._raw.read(self._block), 0
                if not self._buf:
                    if self._open_line:
                        lines += 1
                        self._open_line = False
                    break
            need = want - lines
            found = self._buf.count(b"\n", self._off)
            if found < need:
                lines += found
                self.pos += len(self._buf) - self._off
                self._open_line = not self._buf.endswith(b"\n")
                self._off = len(self._buf)
                continue
            end = self._off
            for _ in range(need):
                end = self._buf.index(b"\n", end) + 1
            lines += need
            self.pos += end - self._off
            self._off = end
            self._open_line = False
        return start, self.pos, lines


def _jsonl_encoding(path: str) -> str | None:
    """The encoding ``read_jsonl`` would stream ``path`` with, if it can be cut on newline bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
        enc = sniff_encoding(head, what=path)
    except (OSError, BinaryInputError):
        return None  # the client reads it, and reports what is wrong the usual way
    return enc if enc in ("utf-8", "utf-8-sig") else None


class _Planner:
    def __init__(self, options: ReadOptions, sizes: Iterator[int], max_batch_bytes: int) -> None:
        self.options = options
        self.sizes = sizes
        self.max_batch_bytes = max_batch_bytes
        self.last = 1
        self.room = self._next_size()  # lines or files left in the open batch
        self.items: list[Item] = []
        self.slices: list[FileSlice] = []
        self.bytes = 0  # of whole files in the open batch

    def _next_size(self) -> int:
        size = next(self.sizes, None)
        if size is not None:
            self.last = max(1, size)
        return self.last

    def flush(self) -> Iterator[list[Item] | Slices]:
        if self.items:
            yield self.items
        elif self.slices:
            yield Slices(tuple(self.slices), self.options)
        else:
            return
        self.items, self.slices, self.bytes = [], [], 0
        self.room = self._next_size()

    def item(self, item: Item) -> Iterator[list[Item] | Slices]:
        if self.slices:
            yield from self.flush()
        self.items.append(item)
        self.room -= 1
        if self.room <= 0:
            yield from self.flush()

    def whole(self, piece: FileSlice, size: int) -> Iterator[list[Item] | Slices]:
        if self.items or (self.slices and self.bytes + size > self.max_batch_bytes):
            yield from self.flush()
        self.slices.append(piece)
        self.bytes += size
        self.room -= 1
        if self.room <= 0 or self.bytes >= self.max_batch_bytes:
            yield from self.flush()

    def jsonl(self, source: str, path: str, encoding: str) -> Iterator[list[Item] | Slices]:
        if self.items:
            yield from self.flush()
        line = 1
        with open(path, "rb", buffering=0) as raw:
            cutter = _LineCutter(raw)
            while True:
                start, end, lines = cutter.cut(self.room)
                if end == start:
                    return
                self.slices.append(FileSlice(source, path, start, end, line, encoding))
                line += lines
                self.room -= lines
                if self.room > 0:  # the end of the file: the next source may fill the batch
                    return
                yield from self.flush()


def plan_reads(sources: Iterable[str | Path], options: ReadOptions, sizes: Iterator[int], *,
               client_read: Callable[[str], Iterable[Item]] | None = None,
               max_batch_bytes: int = MAX_BATCH_BYTES) -> Iterator[list[Item] | Slices]:
    """Batches, in input order, of items read here (``list``) or of slices for a worker to read (``Slices``).

    Read in order, the batches give exactly the items of ``read_sources(sources, ...)``. ``sizes``: the size
    of each batch in turn (lines of JSONL, whole files or items); the last is kept once it runs out.
    ``client_read`` reads a source that is not a local file or folder (default: ``read_sources``), e.g.
    ``-`` or a URL.
    """

    def here(name: str) -> Iterable[Item]:
        if client_read is not None:
            return client_read(name)
        return read_sources([name], text_column=options.text_column, max_bytes=options.max_bytes,
                            recursive=options.recursive)

    plan = _Planner(options, sizes, max_batch_bytes)
    for src in sources:
        name = str(src)
        path = Path(src)
        if name == "-" or not path.exists():
            for item in here(name):
                yield from plan.item(item)
            continue
        files = iter_files(path, recursive=options.recursive) if path.is_dir() else iter([path])
        for file in files:
            yield from _plan_file(plan, file)
    yield from plan.flush()


def _plan_file(plan: _Planner, file: Path) -> Iterator[list[Item] | Slices]:
    source, suffix = str(file), file.suffix.lower()
    absolute = os.path.abspath(file)
    if suffix in JSONL_SUFFIXES:
        encoding = _jsonl_encoding(absolute)
        if encoding is not None:
            yield from plan.jsonl(source, absolute, encoding)
            return
    if suffix in JSONL_SUFFIXES or suffix in _CLIENT_SUFFIXES:
        for item in read_file(file, text_column=plan.options.text_column, max_bytes=plan.options.max_bytes):
            yield from plan.item(item)
        return
    try:
        size = file.stat().st_size
    except OSError:
        size = 0
    yield from plan.whole(FileSlice(source, absolute), min(size, plan.options.max_bytes))

"""The one document model: a ``Document`` and ``Span`` offsets into its original text."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from marsad.model.base import Record


@dataclass(frozen=True, slots=True, order=True)
class Span(Record):
    """Half-open character offsets ``[start, end)`` into a document's *original* text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span ({self.start}, {self.end})")

    @classmethod
    def trusted(cls, start: int, end: int) -> Span:
        """A span whose bounds the caller guarantees (``0 <= start <= end``), built without the check:
        offset maps make hundreds per article."""
        span = _new_span(cls)
        _set_start(span, start)
        _set_end(span, end)
        return span

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def __len__(self) -> int:
        return self.end - self.start

    def to_dict(self) -> Any:  # type: ignore[override]
        return [self.start, self.end]

    @classmethod
    def from_dict(cls, data: Any) -> Span:  # type: ignore[override]
        if isinstance(data, Span):
            return data
        if isinstance(data, dict):
            return cls(int(data["start"]), int(data["end"]))
        return cls(int(data[0]), int(data[1]))


_new_span = object.__new__
_set_start = Span.__dict__["start"].__set__  # the slots' own setters (frozen blocks setattr)
_set_end = Span.__dict__["end"].__set__


@dataclass(frozen=True, slots=True)
class Document(Record):
    """A report as marsad received it. ``text`` is kept exactly; every span points into it."""

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    language: str = "ar"
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

"""What readers yield: a ``Document`` or a ``Rejection`` saying why a source (or one record of it) was refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from marsad.errors import MarsadError, MetadataWarning
from marsad.ingest.published import parse_published
from marsad.model import Document

#: Characters that do not make a document non-empty (whitespace, BOM, bidi and zero-width marks).
_INVISIBLE = " \t\n\r\v\f\xa0\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067" \
             "\u2068\u2069\ufeff\u3000"


@dataclass(frozen=True, slots=True)
class Rejection:
    """A source, or one record of it, that could not be read. ``code`` is a ``marsad.errors`` code (M1xx)."""

    source: str
    doc_id: str | None
    code: str
    reason: str

    @classmethod
    def from_error(cls, exc: MarsadError, *, source: str, doc_id: str | None = None) -> Rejection:
        return cls(source=source, doc_id=doc_id, code=exc.code, reason=exc.message)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.doc_id, "source": self.source, "error": {"code": self.code, "reason": self.reason}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rejection:
        err = data.get("error") or {}
        return cls(source=str(data.get("source") or ""), doc_id=data.get("id"), code=str(err.get("code", "M100")),
                   reason=str(err.get("reason", "")))


Item = Document | Rejection


def is_blank(text: str) -> bool:
    """Whether ``text`` has nothing but whitespace and invisible marks."""
    return not text.strip(_INVISIBLE)


def published_or_warning(value: object, warnings: list[str]) -> dt.date | None:
    """Parse ``published``; on a bad value append an M150 warning and return ``None``."""
    try:
        return parse_published(value)
    except MetadataWarning as exc:
        warnings.append(str(exc))
        return None


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        s = str(value).strip()
        return s or None
    return None


def make_document(*, doc_id: str, text: str, source: str, fmt: str, published: object = None,
                  url: object = None, outlet: object = None, title: object = None,
                  extra_meta: dict[str, Any] | None = None) -> Item:
    """Build a ``Document`` (checking emptiness and ``published``) or the ``Rejection`` that replaces it."""
    if is_blank(text):
        return Rejection(source=source, doc_id=doc_id, code="M103", reason=f"{fmt} document has no text "
                         "(empty or whitespace only)")
    warnings: list[str] = []
    date = published_or_warning(published, warnings)
    meta: dict[str, Any] = {"source": source, "format": fmt}
    if extra_meta:
        meta.update(extra_meta)
    if warnings:
        meta["warnings"] = warnings
    return Document(id=doc_id, text=text, url=_opt_str(url), outlet=_opt_str(outlet), published=date,
                    title=_opt_str(title), meta=meta)

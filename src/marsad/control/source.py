"""What the control layer reads: stored facts grouped by document, behind one small protocol.

``FactSource`` is the seam between ``marsad.control`` and the store: ``StoreSource`` adapts the store,
``MemorySource`` holds facts in memory (tests, benchmarks, a batch just extracted). Control never reads
anything else, so the layers point one way (store ← control).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from marsad.model.facts import ControlFact, Event, Quantity, Siege


@dataclass(frozen=True, slots=True)
class DocFacts:
    """The facts of one stored document, with the document metadata control needs."""

    doc_id: str
    outlet: str | None = None
    published: dt.date | None = None
    title: str | None = None
    events: tuple[Event, ...] = ()
    control: tuple[ControlFact, ...] = ()
    sieges: tuple[Siege, ...] = ()
    quantities: tuple[Quantity, ...] = ()


class FactSource(Protocol):
    """Read access to stored facts. ``revision`` changes whenever the stored facts change."""

    def revision(self) -> str: ...

    def documents(self) -> Iterator[DocFacts]: ...

    def text(self, doc_id: str) -> str | None: ...


@dataclass(frozen=True)
class MemorySource:
    """Facts held in memory. ``texts`` maps document id to its original text (optional)."""

    docs: tuple[DocFacts, ...]
    texts: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def revision(self) -> str:
        h = hashlib.sha256()
        for d in self.docs:
            h.update(f"{d.doc_id}|{len(d.events)}|{len(d.control)}|{len(d.sieges)}|{len(d.quantities)}\n".encode())
        return h.hexdigest()[:16]

    def documents(self) -> Iterator[DocFacts]:
        return iter(self.docs)

    def text(self, doc_id: str) -> str | None:
        return self.texts.get(doc_id)

    @classmethod
    def from_results(cls, results: Iterable[object]) -> MemorySource:
        """Build from ``ExtractionResult`` objects (asserted facts only, as extracted)."""
        from marsad.model.result import ExtractionResult

        docs: list[DocFacts] = []
        texts: dict[str, str] = {}
        for res in results:
            if not isinstance(res, ExtractionResult):
                raise TypeError(f"expected ExtractionResult, got {type(res).__name__}")
            d = res.document
            docs.append(DocFacts(d.id, d.outlet, d.published, d.title, res.events, res.control, res.sieges,
                                 res.quantities))
            texts[d.id] = d.text
        return cls(tuple(docs), texts)


class StoreSource:
    """A ``FactSource`` over a ``marsad.store.Store`` (``document_facts``, ``revision``, ``document``)."""

    def __init__(self, store: object) -> None:
        self.store = store

    def revision(self) -> str:
        return str(self.store.revision())  # type: ignore[attr-defined]

    def documents(self) -> Iterator[DocFacts]:
        for f in self.store.document_facts():  # type: ignore[attr-defined]
            yield DocFacts(f.doc_id, f.outlet, f.published, f.title, tuple(f.events), tuple(f.control),
                           tuple(f.sieges), tuple(f.quantities))

    def text(self, doc_id: str) -> str | None:
        stored = self.store.document(doc_id)  # type: ignore[attr-defined]
        return None if stored is None else str(stored.document.text)

    @property
    def url(self) -> str:
        return str(getattr(self.store, "url", ""))

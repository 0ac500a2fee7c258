"""Agreements and zones: de-escalation zones, ceasefires, evacuation and "reconciliation" deals, handovers.

Built from stored events: ``agreement`` (its kind read from the sentence with ``control_agreements.tsv``),
``evacuation`` (an evacuation deal) and ``non_violent_transfer_of_territory`` (a handover). Each record
keeps the parties, the date, the terms as the text states them (the reporting sentence), the places where
known, and the later events that a text reports as breaches («خرق», «رغم الخروقات» …): an event whose
sentence carries a violation marker is linked to every agreement it can belong to — same place, same
governorate, or (for an agreement without a place) a shared party — dated on or after the agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from marsad.control.records import FactRef
from marsad.control.source import DocFacts, FactSource
from marsad.control.timeline import parse_day
from marsad.control.units import canonical_governorate, unit_of
from marsad.errors import DataFileError
from marsad.model.base import Record
from marsad.model.document import Span
from marsad.model.facts import Event
from marsad.normalize import fold_text
from marsad.recognize.lexicon import load_table, split_multi

AGREEMENT_FILE = "control_agreements.tsv"
EVENT_KINDS = {"agreement": None, "evacuation": "evacuation", "non_violent_transfer_of_territory": "handover"}
NOT_VIOLATIONS = frozenset({"agreement", "negotiation", "evacuation", "non_violent_transfer_of_territory"})


@dataclass(frozen=True, slots=True)
class AgreementTerms:
    """Kind patterns (folded) in file order, and the violation markers."""

    kinds: tuple[tuple[str, str, tuple[str, ...]], ...]
    violation: tuple[str, ...]

    def classify(self, folded: str) -> tuple[str, str]:
        for kind, label, patterns in self.kinds:
            if any(p in folded for p in patterns):
                return kind, label
        return "other", "agreement"

    def is_violation(self, folded: str) -> bool:
        return any(p in folded for p in self.violation)


@cache
def load_terms() -> AgreementTerms:
    table = load_table(AGREEMENT_FILE)
    if tuple(table.columns) != ("kind", "label", "patterns"):
        raise DataFileError(f"{AGREEMENT_FILE}: columns must be kind, label, patterns")
    kinds = []
    violation: tuple[str, ...] = ()
    for row in table.rows:
        pats = tuple(fold_text(p) for p in split_multi(row["patterns"]))
        if row["kind"] == "violation":
            violation = pats
        else:
            kinds.append((row["kind"], row["label"], pats))
    return AgreementTerms(tuple(kinds), violation)


@dataclass(frozen=True, slots=True)
class Violation(Record):
    """A later event reported as a breach."""

    ref: FactRef
    date: dt.date | None
    type: str
    actor1: str | None
    actor2: str | None
    place: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Agreement(Record):
    agreement_id: str
    kind: str
    label: str
    parties: tuple[str, ...]
    date: dt.date | None
    terms: str
    places: tuple[str, ...]
    governorates: tuple[str, ...]
    supporting: tuple[FactRef, ...]
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    @property
    def sources(self) -> int:
        return len({r.source for r in self.supporting})


@dataclass(frozen=True, slots=True)
class _Seen:
    event: Event
    doc: DocFacts
    day: dt.date | None
    sentence: str


def _sentence(text: str | None, e: Event) -> str:
    if not text:
        return ""
    p = e.provenance
    s = text[p.sentence.start:p.sentence.end] or text[p.span.start:p.span.end]
    return " ".join(s.split())


def _ref(e: Event, doc: DocFacts) -> FactRef:
    p = e.provenance
    return FactRef(doc.doc_id or p.doc_id, p.span.start, p.span.end, e.type, doc.outlet, doc.published,
                   p.confidence)


def _place_name(e: Event) -> str | None:
    if e.place is None:
        return None
    return e.place.name_en or e.place.surface


def build_agreements(docs: Iterable[DocFacts], *, text_of: Callable[[str], str | None] | None = None,
                     terms: AgreementTerms | None = None) -> tuple[Agreement, ...]:
    """Agreements with their linked violations. ``text_of(doc_id)`` gives a document's original text."""
    terms = terms or load_terms()
    getter: Callable[[str], str | None] = text_of or (lambda _doc_id: None)
    deals: list[_Seen] = []
    breaches: list[_Seen] = []
    for doc in docs:
        text = getter(doc.doc_id)
        for e in doc.events:
            if e.modality != "asserted":
                continue
            seen = _Seen(e, doc, parse_day(e.date) or doc.published, _sentence(text, e))
            if e.type in EVENT_KINDS:
                deals.append(seen)
            elif e.type not in NOT_VIOLATIONS and seen.sentence and terms.is_violation(fold_text(seen.sentence)):
                breaches.append(seen)
    merged: dict[tuple[str, tuple[str, ...], dt.date | None, str | None], list[_Seen]] = {}
    for s in deals:
        fixed = EVENT_KINDS[s.event.type]
        kind = fixed or terms.classify(fold_text(s.sentence))[0]
        unit = unit_of(s.event.place)
        parties = tuple(sorted(a for a in (s.event.actor1, s.event.actor2) if a))
        key = (kind, parties, s.day, unit.unit_id if unit else None)
        merged.setdefault(key, []).append(s)
    labels = {k: lbl for k, lbl, _ in terms.kinds} | {"evacuation": "evacuation deal", "handover": "handover"}
    out: list[Agreement] = []
    for (kind, parties, day, uid), group in merged.items():
        first = group[0]
        places = tuple(sorted({n for n in (_place_name(g.event) for g in group) if n}))
        govs = tuple(sorted({g for g in (canonical_governorate(x.event.place.governorate) if x.event.place
                                         else None for x in group) if g}))
        refs = tuple(_ref(g.event, g.doc) for g in group)
        sentences = {(g.doc.doc_id, g.event.provenance.sentence) for g in group}
        violations = tuple(
            Violation(_ref(b.event, b.doc), b.day, b.event.type, b.event.actor1, b.event.actor2,
                      _place_name(b.event), b.sentence)
            for b in breaches if _belongs(b, day, uid, govs, parties, sentences))
        out.append(Agreement(
            agreement_id=f"{first.doc.doc_id}:{first.event.provenance.span.start}", kind=kind,
            label=labels.get(kind, "agreement"), parties=parties, date=day,
            terms=first.sentence, places=places, governorates=govs, supporting=refs, violations=violations))
    out.sort(key=lambda a: (a.date or dt.date.min, a.agreement_id))
    return tuple(out)


def _belongs(b: _Seen, day: dt.date | None, uid: str | None, govs: tuple[str, ...], parties: tuple[str, ...],
             sentences: set[tuple[str, Span]]) -> bool:
    if (b.doc.doc_id, b.event.provenance.sentence) in sentences:
        return True
    if day is not None and (b.day is None or b.day < day):
        return False
    unit = unit_of(b.event.place)
    if uid is not None and unit is not None and unit.unit_id == uid:
        return True
    gov = canonical_governorate(b.event.place.governorate) if b.event.place else None
    if govs and gov in govs:
        return True
    if uid is None and not govs:
        actors = {b.event.actor1, b.event.actor2}
        return bool(actors & set(parties))
    return False


def agreements_from_source(source: FactSource) -> tuple[Agreement, ...]:
    return build_agreements(source.documents(), text_of=source.text)

"""Siege lifecycles per place: imposed → ongoing → broken, lifted by a deal, or ended by capture.

Built from stored ``Siege`` facts and ``siege_imposed`` / ``siege_broken`` events, plus the besieged
population where a ``besieged_civilians`` quantity names the same place, and captures of the place by the
besieger (which end a siege without a siege record of their own). A siege fact has no date of its own: an
``imposed`` one is dated by ``since``, a ``broken``/``lifted_by_deal`` one by ``until``; otherwise by the
document's publication date (``as of``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from marsad.control.records import FactRef, Unit
from marsad.control.source import DocFacts, FactSource
from marsad.control.timeline import CAPTURE_TYPES, parse_day
from marsad.control.units import unit_of
from marsad.model.base import Record
from marsad.model.facts import Provenance

SiegeEnd = Literal["broken", "lifted_by_deal", "captured"]
_OPENING = {"imposed", "ongoing"}
_CLOSING = {"broken", "lifted_by_deal"}


@dataclass(frozen=True, slots=True)
class SiegeRecord(Record):
    """One siege of one place. ``since``/``until`` are ``None`` where no report states them."""

    unit_id: str
    place: str
    besieger: str | None
    besieged: str | None
    since: dt.date | None
    until: dt.date | None
    end: str | None
    population: int | None
    first_reported: dt.date | None
    last_reported: dt.date | None
    supporting: tuple[FactRef, ...]
    sources: int

    def status_on(self, day: dt.date) -> str | None:
        """``imposed``/``ongoing`` while the siege is on at ``day``; ``None`` before it or after it ended."""
        start = self.since or self.first_reported
        if start is None or day < start:
            return None
        if self.until is not None and day >= self.until:
            return None
        return "imposed" if day == self.since else "ongoing"

    @property
    def status(self) -> str:
        return self.end or "ongoing"


@dataclass(frozen=True, slots=True)
class _Obs:
    unit: Unit
    day: dt.date
    action: str  # imposed, ongoing, broken, lifted_by_deal, captured
    ref: FactRef
    besieger: str | None = None
    besieged: str | None = None
    since: dt.date | None = None
    population: int | None = None
    stated: bool = True  # False: dated by the document's publication date


def _ref(p: Provenance, kind: str, doc: DocFacts) -> FactRef:
    return FactRef(doc.doc_id or p.doc_id, p.span.start, p.span.end, kind, doc.outlet, doc.published,
                   p.confidence)


def _observe(doc: DocFacts) -> Iterator[_Obs]:
    for s in doc.sieges:
        u = unit_of(s.place)
        if s.modality != "asserted" or u is None:
            continue
        since, until = parse_day(s.since), parse_day(s.until)
        if s.status in _CLOSING:
            own = until
        elif s.status == "imposed":
            own = since
        else:
            own = None
        day = own or doc.published or since
        if day is None:
            continue
        yield _Obs(u, day, s.status, _ref(s.provenance, "siege", doc), s.besieger, s.besieged, since,
                   s.population, stated=own is not None)
    for e in doc.events:
        if e.modality != "asserted":
            continue
        u = unit_of(e.place)
        own = parse_day(e.date)
        day = own or doc.published
        if u is None or day is None:
            continue
        if e.type == "siege_imposed":
            yield _Obs(u, day, "imposed", _ref(e.provenance, e.type, doc), e.actor1, e.actor2, day,
                       stated=own is not None)
        elif e.type == "siege_broken":
            # actor1 broke the siege: the besieged side or its relief; actor2 the besieger
            yield _Obs(u, day, "broken", _ref(e.provenance, e.type, doc), e.actor2, e.actor1,
                       stated=own is not None)
        elif e.type in CAPTURE_TYPES:
            yield _Obs(u, day, "captured", _ref(e.provenance, e.type, doc), e.actor1, e.actor2)
    for q in doc.quantities:
        if q.metric != "besieged_civilians" or q.modality != "asserted" or q.is_change:
            continue
        u = unit_of(q.scope_place)
        day = parse_day(q.as_of) or doc.published
        if u is not None and day is not None:
            yield _Obs(u, day, "ongoing", _ref(q.provenance, "besieged_civilians", doc), population=int(q.value))


@dataclass
class _Open:
    unit: Unit
    besieger: str | None = None
    besieged: str | None = None
    since: dt.date | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    population: int | None = None
    refs: list[FactRef] = field(default_factory=list)

    def absorb(self, o: _Obs) -> None:
        self.besieger = self.besieger or o.besieger
        self.besieged = self.besieged or o.besieged
        if o.since is not None and (self.since is None or o.since < self.since):
            self.since = o.since
        if o.action == "imposed" and self.since is None:
            self.since = o.day
        self.first = o.day if self.first is None else min(self.first, o.day)
        self.last = o.day if self.last is None else max(self.last, o.day)
        if o.population is not None:
            self.population = o.population
        self.refs.append(o.ref)

    def close(self, until: dt.date | None, end: str | None) -> SiegeRecord:
        refs = tuple(self.refs)
        return SiegeRecord(self.unit.unit_id, self.unit.name, self.besieger, self.besieged, self.since, until, end,
                           self.population, self.first, self.last, refs, len({r.source for r in refs}))


def _unit_sieges(obs: list[_Obs]) -> list[SiegeRecord]:
    order = {"imposed": 0, "ongoing": 1, "broken": 2, "lifted_by_deal": 2, "captured": 3}
    obs.sort(key=lambda o: (o.day, order[o.action]))
    out: list[SiegeRecord] = []
    cur: _Open | None = None
    for o in obs:
        if o.action in _OPENING:
            if cur is None:
                cur = _Open(o.unit)
            cur.absorb(o)
        elif o.action == "captured":
            # a capture ends a siege only when the besieger takes the place
            if cur is not None and cur.besieger is not None and o.besieger == cur.besieger:
                cur.refs.append(o.ref)
                out.append(cur.close(o.day, "captured"))
                cur = None
        else:
            if cur is None and out and _same_end(out[-1], o):
                last = out[-1]
                out[-1] = replace(last, supporting=(*last.supporting, o.ref),
                                  sources=len({r.source for r in (*last.supporting, o.ref)}),
                                  last_reported=max(last.last_reported or o.day, o.day))
                continue
            if cur is None:
                cur = _Open(o.unit)
            cur.absorb(o)
            out.append(cur.close(o.day, o.action))
            cur = None
    if cur is not None:
        out.append(cur.close(None, None))
    return out


def _same_end(last: SiegeRecord, o: _Obs) -> bool:
    """A second report of the end of the siege just closed: within a day, or 30 days when only reported."""
    if last.until is None or last.end == "captured":
        return False
    gap = (o.day - last.until).days
    return 0 <= gap <= (1 if o.stated else 30)


def build_sieges(docs: Iterable[DocFacts]) -> tuple[SiegeRecord, ...]:
    """Every siege in the documents, by place then start."""
    per_unit: dict[str, list[_Obs]] = defaultdict(list)
    for doc in docs:
        for o in _observe(doc):
            per_unit[o.unit.unit_id].append(o)
    out: list[SiegeRecord] = []
    for uid in sorted(per_unit):
        out.extend(_unit_sieges(per_unit[uid]))
    return tuple(out)


def sieges_from_source(source: FactSource) -> tuple[SiegeRecord, ...]:
    return build_sieges(source.documents())


def active_on(sieges: Iterable[SiegeRecord], day: dt.date) -> tuple[SiegeRecord, ...]:
    """The sieges in force on ``day``."""
    return tuple(s for s in sieges if s.status_on(day) is not None)

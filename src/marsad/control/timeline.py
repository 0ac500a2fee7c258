"""The control timeline: intervals of who holds each unit, built from stored facts.

Inputs are *observations* (``records.Observation``), normalised from

* control facts («تحت سيطرة …»): the controller holds the unit as of the fact's date;
* territory-change events (``government_regains_territory``, ``non_state_actor_overtakes_territory``,
  ``non_violent_transfer_of_territory``): actor1 holds the unit from the event's date;
* ``withdrawal`` events: actor1 stops holding the unit (nobody known holds it until the next report);
* baseline rows imported by the user (``marsad control baseline import``): the lowest-ranked state,
  evolved by every later report.

A fact without a date of its own is dated by its document's publication date (``date_basis="reported"``),
else by the caller's ``default_date`` for undated documents (``"default"``, only when one is given); a fact with
none of these is counted in ``stats.undated`` and not placed. Partial dates (``2017-09``,
``2017``) count from their first day.

Rules (ACLED's): the final capture counts, and a holding reversed within ``rule.clash_days`` days is an
exchange in a clash, kept as a ``Clash``, not a change of control. Reports that disagree about one unit on
one day are all kept (``Conflict``); ``ReconcileRule`` picks the holder and is stated in every output.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from marsad.control.records import (
    Candidate,
    Clash,
    Conflict,
    ControlInterval,
    FactRef,
    Observation,
    ReconcileRule,
    Unit,
)
from marsad.control.source import DocFacts, FactSource
from marsad.control.units import unit_of
from marsad.model.facts import Provenance

CAPTURE_TYPES: frozenset[str] = frozenset({"government_regains_territory", "non_state_actor_overtakes_territory"})
TRANSFER_TYPES: frozenset[str] = frozenset({"non_violent_transfer_of_territory"})
WITHDRAWAL_TYPES: frozenset[str] = frozenset({"withdrawal"})
KIND_RANK: dict[str, int] = {"baseline": 0, "state": 1, "withdrawal": 2, "transfer": 3, "capture": 3}


def parse_day(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` → the first day it covers; anything else → ``None``."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    s = value.strip()
    try:
        if len(s) >= 10:
            return dt.date.fromisoformat(s[:10])
        if len(s) == 7:
            return dt.date(int(s[:4]), int(s[5:7]), 1)
        if len(s) == 4:
            return dt.date(int(s), 1, 1)
    except ValueError:
        return None
    return None


def _ref(p: Provenance, kind: str, doc: DocFacts, day: dt.date | None = None) -> FactRef:
    return FactRef(doc.doc_id or p.doc_id, p.span.start, p.span.end, kind, doc.outlet, doc.published,
                   p.confidence, day)


@dataclass
class ObservationStats:
    """Facts seen while normalising: how many became observations, and why the rest did not."""

    used: int = 0
    undated: int = 0
    unplaced: int = 0
    no_actor: int = 0


def observations_from(doc: DocFacts, stats: ObservationStats | None = None, *,
                      default_date: dt.date | None = None) -> Iterator[Observation]:
    """Observations stated by one document (asserted facts only)."""
    fallback, fallback_basis = (doc.published, "reported") if doc.published else (default_date, "default")
    stats = stats if stats is not None else ObservationStats()
    units: dict[str, Unit | None] = {}

    def unit(pl: object) -> Unit | None:
        key = getattr(pl, "key", None)
        if key is None:
            return None
        if key not in units:
            units[key] = unit_of(pl)  # type: ignore[arg-type]
        return units[key]

    for e in doc.events:
        if e.modality != "asserted":
            continue
        if e.type in CAPTURE_TYPES or e.type in TRANSFER_TYPES:
            kind = "capture" if e.type in CAPTURE_TYPES else "transfer"
            actor, previous = e.actor1, e.actor2
        elif e.type in WITHDRAWAL_TYPES:
            kind, actor, previous = "withdrawal", None, e.actor1
        else:
            continue
        u = unit(e.place)
        day = parse_day(e.date)
        basis = "stated"
        if day is None:
            day, basis = fallback, fallback_basis
        if u is None:
            stats.unplaced += 1
        elif day is None:
            stats.undated += 1
        elif not (previous if kind == "withdrawal" else actor):
            stats.no_actor += 1
        else:
            stats.used += 1
            yield Observation(u, day, kind, actor, _ref(e.provenance, e.type, doc, day),  # type: ignore[arg-type]
                              previous=previous, date_basis=basis)  # type: ignore[arg-type]
    for c in doc.control:
        if c.modality != "asserted":
            continue
        u = unit(c.place)
        day = parse_day(c.date)
        basis = "stated"
        if day is None:
            day, basis = fallback, fallback_basis
        if u is None:
            stats.unplaced += 1
        elif day is None:
            stats.undated += 1
        elif not c.controller:
            stats.no_actor += 1
        else:
            stats.used += 1
            yield Observation(u, day, "state", c.controller, _ref(c.provenance, "control", doc, day),
                              previous=c.previous, date_basis=basis)  # type: ignore[arg-type]


@dataclass
class _Segment:
    actor: str | None
    start: dt.date
    refs: list[FactRef] = field(default_factory=list)
    contested_by: set[str] = field(default_factory=set)
    share: float = 1.0  # the lowest winning share of any conflict decided in this holding


def _sources(refs: Iterable[FactRef]) -> int:
    return len({r.source for r in refs})


def _confidence(refs: Sequence[FactRef], share: float) -> float:
    best: dict[str, float] = {}
    for r in refs:
        best[r.source] = max(best.get(r.source, 0.0), r.confidence)
    miss = 1.0
    for c in best.values():
        miss *= 1.0 - min(max(c, 0.0), 0.99)
    return round((1.0 - miss) * share, 4)


def _score(obs: Sequence[Observation], rule: ReconcileRule) -> tuple[float, float, float, float]:
    """(rule score, then tie-breakers: latest report, sources, reports) for one side of a conflict."""
    latest = max((o.ref.reported or o.date).toordinal() * 10 + KIND_RANK[o.kind] for o in obs)
    srcs: dict[str, str | None] = {o.ref.source: o.ref.outlet for o in obs}
    n = float(len(srcs))
    reports = float(len(obs))
    if rule.name == "latest":
        return float(latest), n, reports, 0.0
    if rule.name == "most_sources":
        return n, float(latest), reports, 0.0
    return sum(rule.weight(outlet) for outlet in srcs.values()), float(latest), n, reports


def _day_outcome(day_obs: list[Observation], holder: str | None, unit_id: str, day: dt.date,
                 rule: ReconcileRule) -> tuple[str | None, list[FactRef], Conflict | None, float]:
    """Decide who holds the unit after one day's reports. Returns holder, support, conflict, win share."""
    reported = [o for o in day_obs if o.kind != "baseline"] or day_obs
    sides: dict[str | None, list[Observation]] = defaultdict(list)
    for o in reported:
        if o.kind == "withdrawal" and holder is not None and o.previous != holder:
            continue  # a withdrawal by someone who did not hold it changes nothing here
        sides[o.actor].append(o)
    if None in sides and len(sides) > 1:
        sides.pop(None)  # withdrawal and entry on one day: a handover, not a conflict
    if not sides:
        return holder, [], None, 1.0
    if len(sides) == 1:
        actor, obs = next(iter(sides.items()))
        return actor, [o.ref for o in obs], None, 1.0
    scored = sorted(((_score(obs, rule), actor or "", actor) for actor, obs in sides.items()), reverse=True)
    chosen = scored[0][2]
    total = sum(max(s[0][0], 0.0) for s in scored) if rule.name != "latest" else float(len(scored))
    win = (max(scored[0][0][0], 0.0) / total) if rule.name != "latest" and total > 0 else 1.0 / len(scored)
    cands = tuple(
        Candidate(actor, tuple(o.ref for o in sides[actor]), _sources(o.ref for o in sides[actor]), sc[0])
        for sc, _, actor in scored
    )
    conflict = Conflict(unit_id, day, cands, chosen, rule.name)
    return chosen, [o.ref for o in sides[chosen]], conflict, max(win, 0.5)


def build_unit_timeline(unit: Unit, obs: Sequence[Observation], rule: ReconcileRule
                        ) -> tuple[list[ControlInterval], list[Conflict], list[Clash]]:
    """Intervals, conflicts and clashes for one unit from its observations (any order)."""
    by_day: dict[dt.date, list[Observation]] = defaultdict(list)
    for o in obs:
        by_day[o.date].append(o)
    segments: list[_Segment] = []
    conflicts: list[Conflict] = []
    holder: str | None = None
    for day in sorted(by_day):
        actor, refs, conflict, win = _day_outcome(by_day[day], holder, unit.unit_id, day, rule)
        if conflict is not None:
            conflicts.append(conflict)
        if not refs:
            continue
        if segments and segments[-1].actor == actor:
            seg = segments[-1]
        else:
            seg = _Segment(actor, day)
            segments.append(seg)
        seg.refs.extend(refs)
        if conflict is not None:
            seg.contested_by.update(c.actor for c in conflict.candidates if c.actor and c.actor != actor)
            seg.share = min(seg.share, win)
        holder = actor
    # ACLED: a holding ended by another change within clash_days is a clash; the final capture counts.
    # A gap (a withdrawal with no known new holder) is not a holding and is never a clash.
    clashes: list[Clash] = []
    kept: list[_Segment] = []
    for i, seg in enumerate(segments):
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        if seg.actor is not None and nxt is not None and (nxt.start - seg.start).days <= rule.clash_days:
            clashes.append(Clash(unit.unit_id, seg.actor, seg.start, nxt.start, tuple(seg.refs)))
            continue
        if kept and kept[-1].actor == seg.actor:
            kept[-1].refs.extend(seg.refs)
            kept[-1].contested_by |= seg.contested_by
            kept[-1].share = min(kept[-1].share, seg.share)
        else:
            kept.append(seg)
    intervals: list[ControlInterval] = []
    for i, seg in enumerate(kept):
        if seg.actor is None:
            continue
        end = kept[i + 1].start if i + 1 < len(kept) else None
        support = tuple(seg.refs)
        intervals.append(ControlInterval(
            unit.unit_id, unit.kind, seg.actor, seg.start, end, support, _sources(support),
            _confidence(support, seg.share), tuple(sorted(seg.contested_by))))
    return intervals, conflicts, clashes


@dataclass(frozen=True)
class Timeline:
    """All control intervals, with the conflicts and clashes kept beside them.

    ``intervals`` are sorted by unit then ``valid_from``; within a unit they never overlap.
    """

    units: dict[str, Unit]
    intervals: tuple[ControlInterval, ...]
    conflicts: tuple[Conflict, ...]
    clashes: tuple[Clash, ...]
    rule: ReconcileRule
    stats: ObservationStats
    revision: str = ""
    _spans: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)
    _starts: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def for_unit(self, unit_id: str) -> tuple[ControlInterval, ...]:
        lo, hi = self._spans.get(unit_id, (0, 0))
        return self.intervals[lo:hi]

    def for_actor(self, actor: str) -> tuple[ControlInterval, ...]:
        return tuple(iv for iv in self.intervals if iv.actor == actor)

    def at(self, unit_id: str, day: dt.date) -> ControlInterval | None:
        """The interval holding ``unit_id`` on ``day``, or ``None`` when nobody known holds it."""
        lo, hi = self._spans.get(unit_id, (0, 0))
        if lo == hi:
            return None
        i = bisect.bisect_right(self._starts[unit_id], day.toordinal()) - 1
        if i < 0:
            return None
        iv = self.intervals[lo + i]
        return iv if iv.covers(day) else None

    def holders_at(self, day: dt.date) -> dict[str, ControlInterval]:
        out: dict[str, ControlInterval] = {}
        for uid in self._spans:
            iv = self.at(uid, day)
            if iv is not None:
                out[uid] = iv
        return out

    def conflicts_for(self, unit_id: str) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.unit_id == unit_id)


def build_timeline(observations: Iterable[Observation], *, rule: ReconcileRule | None = None,
                   stats: ObservationStats | None = None, revision: str = "") -> Timeline:
    """Group observations by unit and build every unit's intervals."""
    rule = rule or ReconcileRule()
    per_unit: dict[str, list[Observation]] = defaultdict(list)
    units: dict[str, Unit] = {}
    for o in observations:
        per_unit[o.unit.unit_id].append(o)
        units.setdefault(o.unit.unit_id, o.unit)
    intervals: list[ControlInterval] = []
    conflicts: list[Conflict] = []
    clashes: list[Clash] = []
    spans: dict[str, tuple[int, int]] = {}
    starts: dict[str, list[int]] = {}
    for uid in sorted(per_unit):
        ivs, cfs, cls = build_unit_timeline(units[uid], per_unit[uid], rule)
        spans[uid] = (len(intervals), len(intervals) + len(ivs))
        starts[uid] = [iv.valid_from.toordinal() for iv in ivs]
        intervals.extend(ivs)
        conflicts.extend(cfs)
        clashes.extend(cls)
    return Timeline(units, tuple(intervals), tuple(conflicts), tuple(clashes), rule,
                    stats or ObservationStats(), revision, spans, starts)


def timeline_from_source(source: FactSource, *, rule: ReconcileRule | None = None,
                         baseline: Iterable[Observation] = (), default_date: dt.date | None = None) -> Timeline:
    """Build the timeline of every stored document, evolving an optional baseline snapshot.

    ``default_date`` dates the undated facts of documents that have no publication date."""
    stats = ObservationStats()

    def gen() -> Iterator[Observation]:
        yield from baseline
        for doc in source.documents():
            yield from observations_from(doc, stats, default_date=default_date)

    return build_timeline(gen(), rule=rule, stats=stats, revision=source.revision())

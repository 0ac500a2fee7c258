"""Records of the control layer: who holds what, and when.

Every record is a frozen, typed dataclass with ``to_dict`` / ``from_dict`` (``marsad.model.base.Record``).
Dates are ``datetime.date``; an open interval has ``valid_to=None``. Intervals are half-open
``[valid_from, valid_to)``: on ``valid_to`` the next holder (or nobody known) takes over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from marsad.model.base import Record

UnitKind = Literal["site", "town", "vicinity", "polygon", "region", "governorate"]
RuleName = Literal["latest", "most_sources", "source_weights"]
ObservationKind = Literal["capture", "transfer", "withdrawal", "state", "baseline"]

# Area attribution tiers, finest first. ``precedence="finest"`` ranks by tier before recency.
TIER: dict[str, int] = {"town": 0, "vicinity": 1, "polygon": 2, "region": 3, "governorate": 4, "site": 5}


@dataclass(frozen=True, slots=True)
class Unit(Record):
    """A spatial unit that can be held: a site, a town, a relational region or a governorate.

    ``unit_id`` is stable: ``site:<place_id>``, ``place:<place_id>``, ``near:<place_id>:<relation>``,
    ``rel:<governorate>:<relation>``, ``gov:<governorate>`` or ``poly:<baseline>:<n>``.
    """

    unit_id: str
    kind: UnitKind
    name: str
    governorate: str | None = None
    relation: str | None = None
    place_id: str | None = None
    place_kind: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class FactRef(Record):
    """A pointer to one supporting fact: its document, evidence span and what kind of fact it is."""

    doc_id: str
    start: int
    end: int
    kind: str  # "control", "siege", "baseline" or an event type
    outlet: str | None = None
    reported: dt.date | None = None  # the document's published date
    confidence: float = 0.5
    observed: dt.date | None = None  # the date the fact speaks of (stated, else reported)

    @property
    def source(self) -> str:
        """The source key used to count sources: the outlet, else the document."""
        return self.outlet or f"doc:{self.doc_id}"


@dataclass(frozen=True, slots=True)
class Observation(Record):
    """One dated statement about a unit's holder, normalised from a fact.

    ``actor`` is the holder after ``date`` (``None`` for a withdrawal that names no new holder);
    ``previous`` is the holder before, where stated.
    """

    unit: Unit
    date: dt.date
    kind: ObservationKind
    actor: str | None
    ref: FactRef
    previous: str | None = None
    date_basis: Literal["stated", "reported", "default", "baseline"] = "stated"


@dataclass(frozen=True, slots=True)
class ReconcileRule(Record):
    """How conflicting same-day reports about one unit are reconciled.

    ``latest``: the most recently published report wins. ``most_sources``: the holder named by the most
    distinct sources wins. ``source_weights``: the holder with the highest summed outlet weight wins
    (``weights``; outlets not listed weigh ``default_weight``). Ties fall back to the latest report, then
    to more sources, then to more reports, then to the actor id. ``clash_days``: a holding of this many days
    or fewer, followed by another change, is an exchange in a clash, not a change of control (ACLED: the
    final capture counts).
    """

    name: RuleName = "latest"
    weights: tuple[tuple[str, float], ...] = ()
    default_weight: float = 1.0
    clash_days: int = 1

    def weight(self, outlet: str | None) -> float:
        for k, w in self.weights:
            if k == outlet:
                return w
        return self.default_weight

    def describe(self) -> str:
        base = {
            "latest": "conflicting same-day reports: the most recently published report wins",
            "most_sources": "conflicting same-day reports: the holder named by the most distinct sources wins",
            "source_weights": "conflicting same-day reports: the holder with the highest summed source weight "
                              f"wins (default weight {self.default_weight:g}, {len(self.weights)} outlets weighted)",
        }[self.name]
        return (f"{base}; ties go to the latest report, then more sources, then more reports. A holding that "
                f"ends within {self.clash_days} day(s) by another change is an exchange in a clash, not a change "
                "of control (the final capture counts).")


@dataclass(frozen=True, slots=True)
class Candidate(Record):
    """One side of a conflict: a holder and the reports naming it."""

    actor: str | None
    supporting: tuple[FactRef, ...]
    sources: int
    score: float


@dataclass(frozen=True, slots=True)
class Conflict(Record):
    """Reports that disagree about one unit on one day. All sides are kept; ``chosen`` is the rule's pick."""

    unit_id: str
    date: dt.date
    candidates: tuple[Candidate, ...]
    chosen: str | None
    rule: str


@dataclass(frozen=True, slots=True)
class Clash(Record):
    """A holding too short to count (reversed within ``clash_days``): kept as a clash."""

    unit_id: str
    actor: str | None
    valid_from: dt.date
    valid_to: dt.date
    supporting: tuple[FactRef, ...]


@dataclass(frozen=True, slots=True)
class ControlInterval(Record):
    """``actor`` holds ``unit_id`` from ``valid_from`` until ``valid_to`` (``None``: still, as far as known)."""

    unit_id: str
    unit_kind: str
    actor: str
    valid_from: dt.date
    valid_to: dt.date | None
    supporting: tuple[FactRef, ...]
    sources: int
    confidence: float
    contested_by: tuple[str, ...] = field(default_factory=tuple)

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

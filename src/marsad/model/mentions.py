"""Mentions: what the recognisers find in a text, each anchored by a ``Span`` into the original."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from marsad.model.base import Record
from marsad.model.document import Span

ActorKind = Literal["named", "generic", "anaphor", "foreign"]
TimePrecision = Literal["day", "week", "month", "year", "vague"]
Hedge = Literal["approx", "more_than", "less_than", "at_least", "at_most", "exact"]

# ACLED time_precision: 1 = day, 2 = week/within a few days, 3 = month or vaguer.
ACLED_TIME_PRECISION: dict[str, int] = {"day": 1, "week": 2, "month": 3, "year": 3, "vague": 3}


@dataclass(frozen=True, slots=True)
class ActorMention(Record):
    """A reference to an actor. ``actor_id`` is canonical (see ``data/actors.tsv``)."""

    span: Span
    surface: str
    actor_id: str
    kind: ActorKind = "named"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class PlaceMention(Record):
    """A toponym, resolved against the gazetteer where possible.

    ``geo_precision`` follows ACLED: 1 town or site, 2 part of a region / near a town, 3 governorate or
    large region. ``relation`` records relational forms such as ``countryside:east`` for «ريف حلب الشرقي».
    An unknown toponym is kept with ``resolved=False`` and the nearest stated context.
    """

    span: Span
    surface: str
    name_en: str | None = None
    kind: str | None = None
    governorate: str | None = None
    place_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int = 3
    country: str | None = "SY"
    relation: str | None = None
    district: str | None = None
    resolved: bool = True
    score: float = 1.0

    @property
    def key(self) -> str:
        """A stable key for the place: gazetteer id plus relation, or the surface when unresolved."""
        base = self.place_id or f"unresolved:{self.surface}"
        return f"{base}#{self.relation}" if self.relation else base


@dataclass(frozen=True, slots=True)
class TimeMention(Record):
    """A time expression. ``value`` is ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ``None`` when unresolvable."""

    span: Span
    surface: str
    value: str | None
    precision: TimePrecision = "day"
    relative: bool = False
    kind: Literal["point", "since", "until", "duration"] = "point"


@dataclass(frozen=True, slots=True)
class QuantityMention(Record):
    """A number in the text with its unit and (once the quantity stage has read it) a metric."""

    span: Span
    surface: str
    value: float
    unit: str = "count"
    metric: str = "other"
    hedge: str | None = None
    noun: str | None = None

"""Facts: events, control, sieges, quantities and claims. Every fact carries its ``Provenance``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from marsad.model.base import Record
from marsad.model.document import Span
from marsad.model.mentions import PlaceMention

Modality = Literal["asserted", "hypothetical", "future", "negated", "demand", "opinion"]
SiegeStatus = Literal["imposed", "ongoing", "broken", "lifted_by_deal"]

EVENT_TYPES: tuple[str, ...] = (
    "armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory",
    "air_drone_strike", "shelling_artillery_missile", "remote_explosive_ied", "suicide_bomb",
    "chemical_weapon", "attack_on_civilians", "abduction", "peaceful_protest",
    "protest_with_intervention", "agreement", "non_violent_transfer_of_territory",
    "headquarters_or_base_established", "arrests", "looting_property_destruction", "siege_imposed",
    "siege_broken", "withdrawal", "reinforcement", "evacuation", "negotiation", "other",
)
METRICS: tuple[str, ...] = (
    "share_of_territory", "area_km2", "fatalities", "injured", "displaced", "besieged_civilians",
    "detained", "distance_km", "other",
)


@dataclass(frozen=True, slots=True)
class Provenance(Record):
    """Where a fact comes from: document, evidence span, its sentence, extractor version and confidence."""

    doc_id: str
    span: Span
    sentence: Span
    extractor: str
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Event(Record):
    """One event frame: who did what to whom, where and when. One event per place."""

    type: str
    actor1: str | None
    provenance: Provenance
    actor2: str | None = None
    place: PlaceMention | None = None
    date: str | None = None
    time_precision: int = 3
    fatalities: int | None = None
    trigger: Span | None = None
    modality: Modality = "asserted"
    assoc_actors: tuple[str, ...] = field(default_factory=tuple)
    quantities: tuple[float, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ControlFact(Record):
    """``controller`` holds ``place`` (from ``previous``, where the text says so)."""

    place: PlaceMention
    controller: str
    provenance: Provenance
    previous: str | None = None
    date: str | None = None
    modality: Modality = "asserted"


@dataclass(frozen=True, slots=True)
class Siege(Record):
    """A siege of ``place``: its status and, where stated, since when and the besieged population."""

    place: PlaceMention
    status: SiegeStatus
    provenance: Provenance
    besieger: str | None = None
    besieged: str | None = None
    since: str | None = None
    until: str | None = None
    population: int | None = None
    modality: Modality = "asserted"


@dataclass(frozen=True, slots=True)
class Quantity(Record):
    """A stated figure: metric, value, unit, subject actor, scope, baseline and hedge."""

    metric: str
    value: float
    provenance: Provenance
    unit: str = "count"
    subject: str | None = None
    scope: str | None = None
    scope_place: PlaceMention | None = None
    baseline: str | None = None
    hedge: str | None = None
    as_of: str | None = None
    is_change: bool = False
    modality: Modality = "asserted"


@dataclass(frozen=True, slots=True)
class Claim(Record):
    """A quantitative claim made by a source, e.g. "46% of Syria under the regime"."""

    claimant_doc: str
    claimant_outlet: str | None
    subject: str | None
    metric: str
    value: float
    unit: str
    provenance: Provenance
    scope: str | None = None
    baseline: str | None = None
    as_of: str | None = None
    hedge: str | None = None

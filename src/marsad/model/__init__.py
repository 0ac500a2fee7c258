"""Typed, frozen records. No I/O here."""

from marsad.model.document import Document, Span
from marsad.model.facts import (
    EVENT_TYPES,
    METRICS,
    Claim,
    ControlFact,
    Event,
    Modality,
    Provenance,
    Quantity,
    Siege,
)
from marsad.model.mentions import ActorMention, PlaceMention, QuantityMention, TimeMention
from marsad.model.result import ExtractionResult, Sentence

__all__ = [
    "EVENT_TYPES", "METRICS", "ActorMention", "Claim", "ControlFact", "Document", "Event",
    "ExtractionResult", "Modality", "PlaceMention", "Provenance", "Quantity", "QuantityMention",
    "Sentence", "Siege", "Span", "TimeMention",
]

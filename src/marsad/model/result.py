"""The typed result of extracting one document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marsad.model.base import Record
from marsad.model.document import Document, Span
from marsad.model.facts import ControlFact, Event, Quantity, Siege
from marsad.model.mentions import ActorMention, PlaceMention, TimeMention


@dataclass(frozen=True, slots=True)
class Sentence(Record):
    """A sentence (or clause) of the original text."""

    span: Span
    clauses: tuple[Span, ...] = field(default_factory=tuple)
    chrome: bool = False


@dataclass(frozen=True, slots=True)
class ExtractionResult(Record):
    """Everything marsad read in one document.

    ``events``, ``control``, ``sieges`` and ``quantities`` hold asserted facts only. Hypotheticals,
    future intentions, negations, demands' contents and opinions go to ``suppressed`` with their
    modality, so a user can still see them.
    """

    document: Document
    sentences: tuple[Sentence, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    times: tuple[TimeMention, ...] = ()
    events: tuple[Event, ...] = ()
    control: tuple[ControlFact, ...] = ()
    sieges: tuple[Siege, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    suppressed: tuple[Event | ControlFact | Siege | Quantity, ...] = ()
    warnings: tuple[str, ...] = ()
    actor_ids: tuple[str, ...] = ()

    def to_prediction(self, *, include_suppressed: bool = False) -> dict[str, Any]:
        """The scorer's prediction shape (``../shared/eval/README.md``) plus richer fields."""
        from marsad.model.predict import prediction

        return prediction(self, include_suppressed=include_suppressed)

"""The state that flows through the pipeline, and the recogniser protocol.

``Analysis`` is the spaCy-``Doc`` of marsad: a frozen record; each stage returns a new one with its own
field filled (``dataclasses.replace``). Stages are pure and picklable; factories inject their resources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from marsad.model import (
    ActorMention,
    Document,
    PlaceMention,
    QuantityMention,
    Sentence,
    TimeMention,
)
from marsad.normalize import Folded


@dataclass(frozen=True)
class Analysis:
    document: Document
    folded: Folded
    sentences: tuple[Sentence, ...]
    reference_date: dt.date | None = None
    actors: tuple[ActorMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    times: tuple[TimeMention, ...] = ()
    quantities: tuple[QuantityMention, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.document.text

    def sentence_of(self, pos: int) -> Sentence | None:
        for s in self.sentences:
            if s.span.start <= pos < s.span.end:
                return s
        return None


class Stage(Protocol):
    """A pipeline stage: a pure function from one ``Analysis`` to the next."""

    name: str

    def __call__(self, analysis: Analysis) -> Analysis: ...

"""The place recogniser stage: toponyms in the text, resolved against the gazetteer.

It runs after the actor stage and never emits a place inside an actor mention («سوريا» in «قوات سوريا
الديمقراطية»). See ``marsad.geo.geoparse`` for what it reads and how it ranks candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from marsad.geo.gazetteer import Gazetteer
from marsad.geo.geoparse import Geoparser
from marsad.geo.words import PlaceWords
from marsad.recognize.base import Analysis


@dataclass(frozen=True)
class PlaceRecognizer:
    """``Analysis -> Analysis`` filling ``places`` (sorted by span)."""

    geoparser: Geoparser
    name: str = "places"

    def __call__(self, analysis: Analysis) -> Analysis:
        folded = analysis.folded
        to_folded = folded.to_folded
        exclude = [(to_folded(a.span.start), to_folded(a.span.end)) for a in analysis.actors]
        mentions = self.geoparser(folded, exclude=exclude)
        return replace(analysis, places=tuple(sorted(mentions, key=lambda m: (m.span.start, m.span.end))))


def make_place_recognizer(gazetteer: Gazetteer, *, words: PlaceWords | None = None) -> PlaceRecognizer:
    """Build the stage with its resources injected (tests may pass a small gazetteer)."""
    return PlaceRecognizer(geoparser=Geoparser(gazetteer=gazetteer, words=words or PlaceWords.load()))

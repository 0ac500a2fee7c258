"""marsad (مرصد): an Arabic-first conflict observatory.

Arabic reports in, source-linked, geolocated conflict facts out::

    import marsad
    result = marsad.extract("سيطرت قوات النظام على بلدة ...", published="2017-11-01")
    for event in result.events:
        print(event.type, event.actor1, event.place and event.place.name_en)
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

from marsad.errors import MarsadError
from marsad.model import (
    ControlFact,
    Document,
    Event,
    ExtractionResult,
    PlaceMention,
    Provenance,
    Quantity,
    Siege,
    Span,
)
from marsad.settings import Settings
from marsad.version import EXTRACTOR_VERSION, __version__

if TYPE_CHECKING:
    from marsad.pipeline import Pipeline

__all__ = [
    "EXTRACTOR_VERSION", "ControlFact", "Document", "Event", "ExtractionResult", "MarsadError",
    "PlaceMention", "Provenance", "Quantity", "Settings", "Siege", "Span", "__version__", "default_pipeline",
    "extract",
]


@cache
def default_pipeline() -> Pipeline:
    """The default pipeline, built on first use (nothing loads at import)."""
    from marsad.pipeline import build_pipeline

    return build_pipeline()


def extract(text: str, *, published: str | dt.date | None = None, doc_id: str = "doc", url: str | None = None,
            outlet: str | None = None, settings: Settings | None = None, **meta: Any) -> ExtractionResult:
    """Extract actors, places, times, quantities, events, control facts and sieges from one text."""
    if isinstance(published, str):
        published = dt.date.fromisoformat(published[:10])
    doc = Document(id=doc_id, text=text, url=url, outlet=outlet, published=published, meta=dict(meta))
    if settings is None:
        return default_pipeline()(doc)
    from marsad.pipeline import build_pipeline

    return build_pipeline(settings)(doc)

"""Pydantic models that document the API's JSON in ``/openapi.json``.

Handlers build their answers from frozen records (fast, no validation round-trip) and return them as
``JSONResponse``; these models describe the same shapes for clients and are checked against real
answers in the tests.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PlaceOut(BaseModel):
    surface: str = Field(description="The place as written in the Arabic text")
    name_en: str | None = None
    kind: str | None = None
    governorate: str | None = None
    district: str | None = None
    place_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int = Field(3, description="ACLED geo precision: 1 site/town, 2 near a town, 3 region")
    country: str | None = None
    relation: str | None = None
    span: list[int]


class EvidenceOut(BaseModel):
    text: str = Field(description="Exact evidence text, a substring of the document")
    span: list[int] = Field(description="[start, end) character offsets into the document's original text")
    sentence: str = Field("", description="The sentence around the evidence")
    sentence_span: list[int]


class EventOut(BaseModel):
    id: str
    type: str
    actor1: str | None
    actor2: str | None = None
    assoc_actors: list[str] = []
    date: str | None = Field(None, description="YYYY-MM-DD, YYYY-MM or YYYY as the text states it")
    time_precision: int = Field(3, description="ACLED time precision: 1 day, 2 week, 3 month or vaguer")
    fatalities: int | None = None
    modality: str = "asserted"
    place: PlaceOut | None = None
    evidence: EvidenceOut
    confidence: float
    extractor: str
    doc_id: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    sources: int = Field(1, description="Number of sources reporting this event (corroboration)")


class EventPage(BaseModel):
    items: list[EventOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None = None


class ClusterOut(BaseModel):
    lat: float
    lon: float
    count: int
    type: str = Field(description="The most frequent event type in the cell")
    id: str | None = Field(None, description="The event id when the cell holds one event")
    types: dict[str, int] | None = None


class ClusterAnswer(BaseModel):
    total: int
    cell_deg: float
    types: list[str]
    clusters: list[ClusterOut]


class DocumentIn(BaseModel):
    text: str = Field(description="The report's full text (Arabic)")
    id: str | None = Field(None, description="Document id; default: a hash of the text")
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD")
    title: str | None = None
    language: str = "ar"


class DocumentBatchIn(BaseModel):
    documents: list[DocumentIn]


class IngestItem(BaseModel):
    doc_id: str
    status: str = Field(description="added, duplicate or rejected")
    events: int = 0
    control: int = 0
    sieges: int = 0
    error: dict[str, Any] | None = None


class IngestAnswer(BaseModel):
    added: int
    duplicates: int
    rejected: int
    results: list[IngestItem]


class DocumentSummaryOut(BaseModel):
    id: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    chars: int
    events: int = 0


class DocumentPage(BaseModel):
    items: list[DocumentSummaryOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None = None


class DocumentOut(BaseModel):
    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    language: str = "ar"
    facts: dict[str, Any] = Field(default_factory=dict, description="What marsad read: events, control, sieges, "
                                  "quantities, places (the prediction JSON shape)")


class ShareOut(BaseModel):
    date: str
    shares: list[dict[str, Any]] = Field(description="One entry per actor: its share of Syria's area and km²")


class SeriesOut(BaseModel):
    dates: list[str]
    series: dict[str, list[float]] = Field(description="actor id -> share (percent) at each date")


class ItemsOut(BaseModel):
    items: list[dict[str, Any]]
    total: int


class ActorOut(BaseModel):
    id: str
    name_en: str
    name_ar: str = ""


class MetaOut(BaseModel):
    version: str
    event_types: list[str]
    actors: list[ActorOut]
    governorates: list[str]
    date_min: str | None = None
    date_max: str | None = None
    limits: dict[str, int]
    export_formats: list[str]
    write_token_required: bool


class HealthOut(BaseModel):
    status: str
    version: str
    revision: str
    counts: dict[str, int]


class GeoJSONOut(BaseModel):
    type: str = "FeatureCollection"
    features: list[dict[str, Any]]

"""marsad's own event records as JSON Lines: one object per line, every field kept."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from marsad.export.records import ExportEvent


def event_json(rec: ExportEvent) -> dict[str, Any]:
    """The event as the API and the JSONL export show it: the model record plus its source context."""
    ev = rec.event
    p = ev.provenance
    pl = ev.place
    return {
        "id": rec.id,
        "type": ev.type,
        "actor1": ev.actor1,
        "actor2": ev.actor2,
        "assoc_actors": list(ev.assoc_actors),
        "date": ev.date,
        "time_precision": ev.time_precision,
        "fatalities": ev.fatalities,
        "modality": ev.modality,
        "place": None if pl is None else {
            "surface": pl.surface, "name_en": pl.name_en, "kind": pl.kind, "governorate": pl.governorate,
            "district": pl.district, "place_id": pl.place_id, "lat": pl.lat, "lon": pl.lon,
            "geo_precision": pl.geo_precision, "country": pl.country, "relation": pl.relation,
            "span": [pl.span.start, pl.span.end]},
        "evidence": {"text": rec.evidence, "span": [p.span.start, p.span.end], "sentence": rec.sentence,
                     "sentence_span": [p.sentence.start, p.sentence.end]},
        "confidence": round(p.confidence, 3),
        "extractor": p.extractor,
        "doc_id": rec.doc_id,
        "url": rec.url,
        "outlet": rec.outlet,
        "published": rec.published,
        "sources": rec.sources,
    }


def write_jsonl(events: Iterable[ExportEvent], fp: TextIO) -> int:
    n = 0
    for rec in events:
        fp.write(json.dumps(event_json(rec), ensure_ascii=False) + "\n")
        n += 1
    return n

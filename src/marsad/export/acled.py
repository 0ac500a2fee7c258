"""ACLED-compatible CSV: the 31 columns of ACLED's codebook, then marsad's own columns.

Event types map through ``data/event_crosswalk.tsv``; actor names and ``inter`` codes come from the actor
registry (``acled_name``/``name_en``, ``inter_code``). ``interaction`` is the two inter codes joined the
ACLED way: numeric codes as one number with the lower first (``13``; ``10`` for a lone actor), text codes
(ACLED's 2024 style) as ``"State forces-Rebel group"``. A month-precision date is written as the 15th
with ``time_precision`` 3; an event without its own date takes the report's date with precision 3 and
the tag ``date=published``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from marsad.export.records import (
    ActorLookup,
    ExportEvent,
    crosswalk_for,
    padded_date,
    year_of,
)

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "marsad_event_type", "evidence_start", "evidence_end", "evidence_text", "confidence", "corroboration",
    "doc_id", "source_url", "modality", "extractor",
)
COLUMNS: tuple[str, ...] = ACLED_COLUMNS + EXTRA_COLUMNS

SYRIA_ISO = 760
REGION = "Middle East"
COUNTRY = "Syria"


def _actor(actor_id: str | None, actors: ActorLookup | None) -> tuple[str, Any]:
    """ACLED name and inter code for an actor id (the id itself when the registry does not know it)."""
    if not actor_id:
        return "", ""
    info = actors.get(actor_id) if actors is not None else None
    if info is None:
        return actor_id, ""
    name = getattr(info, "acled_name", "") or getattr(info, "name_en", "") or actor_id
    return name, getattr(info, "inter_code", "")


def interaction(inter1: Any, inter2: Any) -> str:
    """ACLED ``interaction`` from two inter codes (numeric or text)."""
    if inter1 in ("", None):
        return ""
    if isinstance(inter1, int) or str(inter1).isdigit():
        a = int(inter1)
        if inter2 in ("", None):
            return str(a * 10)
        lo, hi = sorted((a, int(inter2)))
        return f"{lo}{hi}"
    if inter2 in ("", None):
        return str(inter1)
    return f"{inter1}-{inter2}"


def acled_row(rec: ExportEvent, *, actors: ActorLookup | None = None) -> dict[str, Any]:
    """One CSV row (column name -> value) for an event."""
    ev = rec.event
    cw = crosswalk_for(ev.type)
    actor1, inter1 = _actor(ev.actor1, actors)
    actor2, inter2 = _actor(ev.actor2, actors)
    assoc = "; ".join(_actor(a, actors)[0] for a in ev.assoc_actors)
    place = ev.place
    date = rec.date
    precision = ev.time_precision if ev.date else 3
    if ev.date and len(ev.date) < 10:
        precision = 3
    tags = [f"marsad_type={ev.type}"]
    if rec.date_from_published:
        tags.append("date=published")
    if ev.modality != "asserted":
        tags.append(f"modality={ev.modality}")
    civ = cw.civilian_targeting or ("Civilian targeting" if ev.actor2 == "civilians"
                                    and cw.disorder_type == "Political violence" else "")
    p = ev.provenance
    return {
        "event_id_cnty": f"SYR{rec.id}" if rec.id.isdigit() else f"SYR-{rec.id}",
        "event_date": padded_date(date),
        "year": year_of(date) or "",
        "time_precision": precision,
        "disorder_type": cw.disorder_type,
        "event_type": cw.event_type,
        "sub_event_type": cw.sub_event_type,
        "actor1": actor1, "assoc_actor_1": assoc, "inter1": inter1,
        "actor2": actor2, "assoc_actor_2": "", "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": civ,
        "iso": SYRIA_ISO if (place is None or place.country in (None, "SY")) else "",
        "region": REGION,
        "country": COUNTRY if (place is None or place.country in (None, "SY")) else (place.country or ""),
        "admin1": (place.governorate or "") if place else "",
        "admin2": (place.district or "") if place else "",
        "admin3": "",
        "location": (place.name_en or place.surface) if place else "",
        "latitude": place.lat if place and place.lat is not None else "",
        "longitude": place.lon if place and place.lon is not None else "",
        "geo_precision": place.geo_precision if place else 3,
        "source": rec.outlet or "",
        "source_scale": "",
        "notes": rec.sentence or rec.evidence,
        "fatalities": ev.fatalities if ev.fatalities is not None else 0,
        "tags": "; ".join(tags),
        "timestamp": rec.added,
        "marsad_event_type": ev.type,
        "evidence_start": p.span.start,
        "evidence_end": p.span.end,
        "evidence_text": rec.evidence,
        "confidence": round(p.confidence, 3),
        "corroboration": rec.sources,
        "doc_id": rec.doc_id,
        "source_url": rec.url or "",
        "modality": ev.modality,
        "extractor": p.extractor,
    }


def write_acled(events: Iterable[ExportEvent], fp: TextIO, *, actors: ActorLookup | None = None) -> int:
    """Write the CSV (header + one row per event); returns the number of rows."""
    writer = csv.DictWriter(fp, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    n = 0
    for rec in events:
        writer.writerow(acled_row(rec, actors=actors))
        n += 1
    return n

"""PLOVER event records (Open Event Data Alliance, manual 0.7b1) as a JSON array.

Field names follow the manual's "JSON Data Fields" chapter: ``id``, ``date``, ``source`` and ``recipient``
(lists of actor objects with ``code``, ``sector``, ``actor_text``, ``identifier_id``, ``identifier_text``),
``event`` (list), ``mode``, ``context``, ``quad_code``, ``event_loc`` (GeoNames-style), ``event_text``,
``text_info`` (``start``/``end`` offsets), ``cite_info``, ``coder``, ``coded_date``; ASSAULT records carry
``dead``. Two-sided violence (armed clashes) puts both actors in ``source``, as the manual asks. Types
without a PLOVER category (``other``) are left out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from marsad.export.records import (
    ActorLookup,
    ExportEvent,
    crosswalk_for,
    padded_date,
    plover_actor_codes,
)
from marsad.version import __version__

QUAD: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2, "INVESTIGATE": 2,
    "DEMAND": 3, "ACCUSE": 3, "REJECT": 3, "SANCTION": 3, "THREATEN": 3,
    "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}
TWO_SIDED = frozenset({"armed_clash"})
CODEBOOK = "plover-base-0.7b1"


def _actor(actor_id: str, actors: ActorLookup | None) -> dict[str, Any]:
    code, sector = plover_actor_codes().get(actor_id, ("SYR", ""))
    info = actors.get(actor_id) if actors is not None else None
    name = (getattr(info, "name_en", "") if info is not None else "") or actor_id
    out: dict[str, Any] = {"code": code, "identifier_id": actor_id, "identifier_text": name}
    if sector:
        out["sector"] = sector
    return out


def plover_record(rec: ExportEvent, *, actors: ActorLookup | None = None,
                  coded_date: str | None = None) -> dict[str, Any] | None:
    """The PLOVER record of one event, or ``None`` when its type has no PLOVER category."""
    ev = rec.event
    cw = crosswalk_for(ev.type)
    if cw.plover_event is None:
        return None
    a1 = [_actor(ev.actor1, actors)] if ev.actor1 else []
    a2 = [_actor(ev.actor2, actors)] if ev.actor2 else []
    source, recipient = (a1 + a2, []) if ev.type in TWO_SIDED else (a1, a2)
    p = ev.provenance
    out: dict[str, Any] = {
        "id": rec.id,
        "date": padded_date(rec.date) or None,
        "source": source,
        "recipient": recipient,
        "event": [cw.plover_event],
        "quad_code": QUAD.get(cw.plover_event),
        "mode": [cw.plover_mode] if cw.plover_mode else [],
        "context": list(cw.plover_context),
        "event_text": [rec.evidence],
        "text_info": {"start": p.span.start, "end": p.span.end},
        "cite_info": {"url": rec.url, "publication": rec.outlet, "language": "ar",
                      "coder": f"marsad {__version__} ({p.extractor})", "codebook": CODEBOOK},
        "coder": f"marsad {__version__}",
        "coded_date": coded_date or dt.date.today().isoformat(),
        "marsad_type": ev.type,
        "time_precision": ev.time_precision,
        "confidence": round(p.confidence, 3),
        "corroboration": rec.sources,
        "doc_id": rec.doc_id,
    }
    if ev.fatalities is not None and cw.plover_event == "ASSAULT":
        out["dead"] = ev.fatalities
    pl = ev.place
    if pl is not None:
        loc: dict[str, Any] = {"name": pl.name_en or pl.surface, "alternatenames": pl.surface,
                               "country code": pl.country or "SY", "cc3": "SYR" if pl.country in (None, "SY") else ""}
        if pl.lat is not None and pl.lon is not None:
            loc["latitude"], loc["longitude"] = pl.lat, pl.lon
        if pl.governorate:
            loc["admin1 code"] = pl.governorate
        if pl.place_id and pl.place_id.isdigit():
            loc["geonameid"] = int(pl.place_id)
        out["event_loc"] = loc
    return out


def iter_plover(events: Iterable[ExportEvent], *, actors: ActorLookup | None = None) -> Iterator[dict[str, Any]]:
    today = dt.date.today().isoformat()
    for rec in events:
        r = plover_record(rec, actors=actors, coded_date=today)
        if r is not None:
            yield r


def write_plover(events: Iterable[ExportEvent], fp: TextIO, *, actors: ActorLookup | None = None) -> int:
    """Write a JSON array of PLOVER records; returns how many were written."""
    n = 0
    fp.write("[\n")
    for r in iter_plover(events, actors=actors):
        fp.write(("" if n == 0 else ",\n") + json.dumps(r, ensure_ascii=False))
        n += 1
    fp.write("\n]\n")
    return n

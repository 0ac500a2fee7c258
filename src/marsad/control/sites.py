"""Resource and military sites: oil and gas fields, mines, airbases, dams and border crossings.

Each gazetteer site gets its controller over time with the evidence. A site held by a fact of its own
(``site:<place_id>``, or the same gazetteer id named as a town or feature) is ``direct``; otherwise, for a
date, the holder of the area around it (the cell it lies in) is reported as ``area`` with the unit that
decides it — never presented as a fact about the site itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad.control.records import ControlInterval
from marsad.control.shares import ShareIndex
from marsad.control.timeline import Timeline
from marsad.control.units import site_unit_id
from marsad.model.base import Record

SITE_KINDS: tuple[str, ...] = ("oil_gas_field", "mine", "airbase", "military_base", "dam", "border_crossing")


@dataclass(frozen=True, slots=True)
class Site(Record):
    place_id: str
    name: str
    kind: str
    governorate: str | None = None
    lat: float | None = None
    lon: float | None = None
    name_ar: str | None = None


@dataclass(frozen=True, slots=True)
class SiteStatus(Record):
    """A site, its controller on the date asked (if any) and its whole control history."""

    site: Site
    controller: str | None
    basis: str  # "direct", "area" or "unknown"
    decided_by: str | None
    since: dt.date | None
    history: tuple[ControlInterval, ...]


def site_kind(kind: str, name_en: str) -> str | None:
    """A gazetteer place's site kind: dams are gazetteer ``region`` entries named «… Dam»."""
    if kind in SITE_KINDS:
        return kind
    if kind == "region" and "dam" in name_en.lower().split():
        return "dam"
    return None


def sites_from_places(places: Iterable[object]) -> tuple[Site, ...]:
    """Sites from gazetteer ``Place`` records (anything with place_id, name_en, kind, lat, lon)."""
    out = []
    for p in places:
        kind = site_kind(str(getattr(p, "kind", "")), str(getattr(p, "name_en", "")))
        if kind is None or getattr(p, "country", "SY") not in (None, "SY"):
            continue
        out.append(Site(str(getattr(p, "place_id", "")), str(getattr(p, "name_en", "")), kind,
                        getattr(p, "governorate", None), getattr(p, "lat", None), getattr(p, "lon", None),
                        getattr(p, "name_ar", None)))
    return tuple(out)


def _own_intervals(timeline: Timeline, site: Site) -> tuple[ControlInterval, ...]:
    ids = (site_unit_id(site.place_id), f"place:{site.place_id}")
    found: list[ControlInterval] = []
    for uid in ids:
        found.extend(timeline.for_unit(uid))
    found.extend(iv for uid in timeline.units if uid.startswith(f"near:{site.place_id}:")
                 for iv in timeline.for_unit(uid))
    return tuple(sorted(found, key=lambda iv: (iv.valid_from, iv.unit_id)))


def site_statuses(sites: Sequence[Site], timeline: Timeline, *, day: dt.date | None = None,
                  index: ShareIndex | None = None, kind: str | None = None) -> tuple[SiteStatus, ...]:
    """Every site (of ``kind``) with its history, and its controller on ``day`` when a day is given."""
    holders = index.atom_holders(day)[0] if (index is not None and day is not None) else None
    out: list[SiteStatus] = []
    for site in sites:
        if kind is not None and site.kind != kind:
            continue
        history = _own_intervals(timeline, site)
        controller: str | None = None
        basis, decided, since = "unknown", None, None
        if day is not None:
            live = [iv for iv in history if iv.covers(day)]
            if live:
                best = max(live, key=lambda iv: iv.valid_from)
                controller, basis, decided, since = best.actor, "direct", best.unit_id, best.valid_from
            elif index is not None and holders is not None and site.lat is not None and site.lon is not None:
                atom = index.model.atom_at(site.lon, site.lat)
                if atom is not None and holders[atom] >= 0:
                    controller = index.actors[int(holders[atom])]
                    basis = "area"
                    decided = _deciding_unit(index, atom, day, controller, timeline)
                    iv = timeline.at(decided, day) if decided else None
                    since = iv.valid_from if iv else None
        out.append(SiteStatus(site, controller, basis, decided, since, history))
    return tuple(out)


def _deciding_unit(index: ShareIndex, atom: int, day: dt.date, actor: str, timeline: Timeline) -> str | None:
    best: tuple[dt.date, str] | None = None
    for u in index.cand_unit[atom]:
        if int(u) >= len(index.unit_ids):
            continue
        uid = index.unit_ids[int(u)]
        iv = timeline.at(uid, day)
        if iv is not None and iv.actor == actor and (best is None or iv.valid_from > best[0]):
            best = (iv.valid_from, uid)
    return best[1] if best else None

"""Resolving candidate mentions: choosing a gazetteer entry per hit in the document's context, and writing
``PlaceMention`` records (relational forms, sites near a named town, unresolved places with their context)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.geo.boundaries import region_point
from marsad.geo.gazetteer import Gazetteer, Place
from marsad.geo.matching import SETTLEMENT, Hit
from marsad.geo.tokens import Tokens
from marsad.model import PlaceMention, Span
from marsad.normalize import Folded

_DIR_EN = {"east": "Eastern", "west": "Western", "north": "Northern", "south": "Southern", "centre": "Central"}
_COMPASS = {"east": "East", "west": "West", "north": "North", "south": "South", "centre": "Central"}
_BRACKETS = (("(", ")"), ("«", "»"), ("“", "”"))
_CLOSING = frozenset(c for _, c in _BRACKETS)
_POPULATED = frozenset({"city", "town", "village"})
_SETTLED = SETTLEMENT - {"neighbourhood"}
_PRECISION = {"governorate": 3, "country": 3, "region": 3, "river": 3, "road": 3, "mountain": 2}
# the countryside of Damascus is its own governorate
_COUNTRYSIDE_GOV = {"Damascus": "Rif Dimashq"}


@dataclass(frozen=True)
class Resolver:
    """Chooses among a hit's gazetteer candidates and builds the mentions. Pure and picklable."""

    gazetteer: Gazetteer

    def resolve(self, folded: Folded, toks: Tokens, hits: Sequence[Hit]) -> list[PlaceMention]:
        weights: Counter[str] = Counter()
        for h in hits:
            gov = self.gazetteer.candidates(h.ids).governorate
            if gov is not None:
                weights[gov] += 3 if h.explicit else 1
        chosen: list[Place | None] = []
        for h in hits:
            chosen.append(self._choose(h, weights, chosen))
        self._strays(hits, chosen)
        out: list[PlaceMention] = []
        for idx, h in enumerate(hits):
            span = folded.to_original(toks.start[h.i], toks.end[h.j - 1])
            surface = span.text(folded.original)
            if folded.original[span.end:span.end + 1] in _CLOSING:
                for opening, closing in _BRACKETS:  # «الطريق الدولي (M4)»: close a bracket opened inside the name
                    after = folded.original[span.end:span.end + 1]
                    if surface.count(opening) > surface.count(closing) and after == closing:
                        span = Span(span.start, span.end + 1)
                        surface = span.text(folded.original)
            place = chosen[idx]
            out.append(self._mention(h, span, surface, place, hits, chosen, weights))
        return out

    def _strays(self, hits: Sequence[Hit], chosen: list[Place | None]) -> None:
        """Small places whose governorate nothing else in the text supports, far (> 100 km) from the places
        of the text's main governorate, become unresolved: the context wins over a lone gazetteer candidate."""
        # curated and imported entries were chosen on purpose: only small GeoNames villages and towns can stray
        small = [idx for idx, p in enumerate(chosen)
                 if p is not None and p.kind in ("village", "town") and p.population < 20000 and p.lat is not None
                 and p.governorate and p.place_id.startswith("gn:")]
        if not small:
            return
        strong: Counter[str] = Counter()
        own: list[int] = []
        for k, q in enumerate(chosen):
            w = 0
            if q is not None and q.governorate and q.country == "SY" and (
                    q.kind not in ("village", "town") or q.population >= 20000 or hits[k].explicit):
                w = 3 if hits[k].explicit else 1
                strong[q.governorate] += w
            own.append(w)
        if not strong:
            return
        top, weight = strong.most_common(1)[0]
        near = [(q.lat, q.lon or 0.0) for q in chosen if q is not None and q.governorate == top and q.lat is not None]
        if weight < 2 or not near:
            return
        for idx in small:
            p = chosen[idx]
            assert p is not None and p.lat is not None and p.governorate is not None
            if p.governorate == top or strong.get(p.governorate, 0) - own[idx] > 0:
                continue
            if min(_km(p.lat, p.lon or 0.0, a, b) for a, b in near) > 100:
                chosen[idx] = None  # kept as an unresolved place in the document's context

    def _choose(self, h: Hit, weights: Counter[str], chosen: Sequence[Place | None]) -> Place | None:
        found = self.gazetteer.candidates(h.ids)
        cands = found.places
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        total = sum(weights.values()) or 1
        coords: list[tuple[float | None, float | None]] = []
        if found.spread:  # distance only helps to choose between governorates
            coords = [(p.lat, p.lon) for p in chosen[-12:] if p is not None and p.lat is not None and p.country == "SY"]

        def score(p: Place) -> float:
            s = 0.25 * math.log10(p.population + 10)
            if p.country == "SY":
                s += 0.5
            if p.governorate:
                s += 3.0 * weights.get(p.governorate, 0) / total
            if h.kind:
                if p.kind == h.kind or (h.kind in _POPULATED and p.kind in _POPULATED):
                    s += 2.0
                elif h.kind == "governorate" and p.kind != "governorate":
                    s -= 2.0
            elif p.kind == "governorate":
                s -= 0.6  # a bare name is the city rather than the governorate
            if p.lat is not None and coords:
                d = min(_km(p.lat, p.lon or 0.0, a or 0.0, b or 0.0) for a, b in coords)
                s += 1.0 if d < 40 else 0.5 if d < 100 else 0.0
            return s

        return max(cands, key=score)

    def _mention(self, h: Hit, span: object, surface: str, place: Place | None, hits: Sequence[Hit],
                 chosen: Sequence[Place | None], weights: Counter[str]) -> PlaceMention:

        assert isinstance(span, Span)
        gaz = self.gazetteer
        if h.how == "relational":
            return self._relational_mention(h, span, surface, place)
        if place is None:
            gov, country = self._context_gov(h, hits, chosen, weights)
            return PlaceMention(span=span, surface=surface, name_en=None, kind=h.kind or "village", governorate=gov,
                                geo_precision=2 if gov else 3, country=country, resolved=False, score=0.5)
        kind = place.kind
        if h.how == "typed" and h.kind and h.kind not in SETTLEMENT and place.kind in _SETTLED:
            # «مطار حلب» without a curated site: a site of that kind near the named town
            return PlaceMention(span=span, surface=surface, name_en=f"{place.name_en} {h.kind.replace('_', ' ')}",
                                kind=h.kind, governorate=place.governorate, lat=place.lat, lon=place.lon,
                                geo_precision=2, country=place.country, resolved=False, score=0.6)
        if h.how == "typed" and h.kind == "governorate" and place.kind != "governorate" and place.governorate:
            gov_place = gaz.governorate(place.governorate)
            if gov_place is not None:
                place, kind = gov_place, "governorate"
        precision = _PRECISION.get(kind, 1)
        if kind in ("region", "river", "road") and place.governorate:
            precision = 2
        return PlaceMention(span=span, surface=surface, name_en=place.name_en, kind=kind,
                            governorate=place.governorate, place_id=place.place_id, lat=place.lat, lon=place.lon,
                            geo_precision=precision, country=place.country, resolved=True,
                            score=1.0 if len(h.ids) == 1 else 0.8)

    def _relational_mention(self, h: Hit, span: object, surface: str, place: Place | None) -> PlaceMention:

        assert isinstance(span, Span)
        rel = h.relation or ""
        if rel == "border":
            return PlaceMention(span=span, surface=surface, name_en=h.name_en, kind="region", governorate=None,
                                geo_precision=3, country=None, relation="border", resolved=True)
        if place is None:
            return PlaceMention(span=span, surface=surface, kind="region", resolved=False, relation=rel, score=0.5)
        base, _, direction = rel.partition(":")
        if base == "part" or place.kind == "country":
            label = _compass(direction)
            name = f"{label} {place.name_en}" if label else place.name_en
            lat, lon = place.lat, place.lon
            if place.place_id == "cc:SY" and direction:
                lat, lon = region_point(None, rel) or (lat, lon)
            return PlaceMention(span=span, surface=surface, name_en=name, kind="region", governorate=None,
                                place_id=place.place_id, lat=lat, lon=lon, geo_precision=3,
                                country=place.country, relation=rel, resolved=True)
        gov = place.governorate
        gov = _COUNTRYSIDE_GOV.get(gov, gov) if gov else gov
        gov_entry = next((g for g in self.gazetteer.candidates(h.ids).places if g.kind == "governorate"), None)
        # «ريف الرقة»: the governorate's canonical name, not the city's GeoNames one
        name_en = gov_entry.name_en if gov_entry is not None else place.name_en
        lat, lon = place.lat, place.lon
        if (place.kind == "city" and place.population >= 20000) or place.kind == "governorate":
            label = _DIR_EN.get(direction.split("-")[0], "") if "-" not in direction else _compass(direction) + "ern"
            name = f"{label} {name_en} countryside".strip()
            precision = 2
            if gov_entry is not None and place.governorate:
                lat, lon = region_point(place.governorate, rel) or (lat, lon)
        else:
            label = _COMPASS.get(direction, direction.title())
            name = f"{label} of {name_en}" if direction else f"{name_en} countryside"
            rel = f"near:{direction}" if direction else rel
            precision = 2
        return PlaceMention(span=span, surface=surface, name_en=name, kind="region", governorate=gov,
                            place_id=place.place_id, lat=lat, lon=lon, geo_precision=precision,
                            country=place.country, relation=rel, resolved=True, score=0.9)

    def _context_gov(self, h: Hit, hits: Sequence[Hit], chosen: Sequence[Place | None],
                     weights: Counter[str]) -> tuple[str | None, str | None]:
        """The nearest stated context for an unknown toponym: its list sibling, the nearest place before it
        in the text, or the document's main governorate."""
        if 0 <= h.sibling < len(chosen):
            sib = chosen[h.sibling]
            if sib is not None:
                return sib.governorate, sib.country
        idx = hits.index(h)
        for k in range(idx - 1, -1, -1):
            p = chosen[k]
            if p is not None and p.country == "SY" and p.governorate and hits[k].how != "list":
                return p.governorate, "SY"
        for k in range(idx + 1, len(hits)):
            p = chosen[k]
            if p is not None and p.country == "SY" and p.governorate:
                return p.governorate, "SY"
        if weights:
            return weights.most_common(1)[0][0], "SY"
        return None, "SY"


def _compass(direction: str) -> str:
    parts = [p for p in direction.split("-") if p]
    if not parts:
        return ""
    if len(parts) == 1:
        return _DIR_EN.get(parts[0], parts[0].title())
    return "".join(_COMPASS.get(p, p.title()) if k == 0 else _COMPASS.get(p, p).lower() for k, p in enumerate(parts))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))

"""Geoparsing: find toponyms in folded Arabic text and resolve them against the gazetteer.

Matching is a dictionary look-up per token (the gazetteer's first-token index, longest name first), tried on
the token as it stands and with its clitics stripped (و ف, then ب ل ك, «لل» → «ال»). Around the names it reads:

* type words kept in the surface: «مدينة السخنة», «مطار دير الزور العسكري», «حي الرصافة»;
* relational forms: «ريف حلب الشرقي», «الريف الغربي لمحافظة السويداء», «جنوب الرقة», «شمال غربي سوريا»,
  «الشمال السوري», «الحدود السورية التركية», duals «محافظتي الرقة ودير الزور»;
* lists «X وY وZ», «قرى A وB», «"A، B، وC"»: unknown items beside known places become unresolved places;
* exclusions: spans of actor mentions, a capital or country used for its government («أنقرة ترفض»), a
  time-zone label («بتوقيت دمشق»), names after a title («الشيخ حسن»), and ambiguous common words
  (``place_words.tsv`` role ``ambiguous``) unless a type word or a list supports them.

Candidates are ranked with the document's context: governorates already stated (strongly when stated as
«محافظة X» / «ريف X»), type-word compatibility, population and distance to the other places.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from marsad.geo.gazetteer import Gazetteer, Place
from marsad.geo.words import PlaceWords
from marsad.model import PlaceMention
from marsad.normalize import Folded

_TOKEN = re.compile(r"[0-9a-z\u0621-\u064a]+")
_SEP = re.compile(r"[,;:\"()\[\]/]")
_BRK = re.compile(r"[.!?\n]")
_TIME_BEFORE = re.compile(r"\d{1,2}:\d{2}\s*(?:[-|]\s*)?$")
_DIR_EN = {"east": "Eastern", "west": "Western", "north": "Northern", "south": "Southern", "centre": "Central"}
_COMPASS = {"east": "East", "west": "West", "north": "North", "south": "South", "centre": "Central"}
_COUNTRY_EN = {"SY": "Syria", "IQ": "Iraq", "TR": "Turkey", "JO": "Jordan", "LB": "Lebanon", "IL": "Israel"}
_POPULATED = frozenset({"city", "town", "village"})
_SETTLEMENT = frozenset({"city", "town", "village", "governorate", "neighbourhood"})
_PRECISION = {"governorate": 3, "country": 3, "region": 3, "river": 3, "road": 3, "mountain": 2}
# the countryside of Damascus is its own governorate
_COUNTRYSIDE_GOV = {"Damascus": "Rif Dimashq"}


@dataclass(frozen=True, slots=True)
class Tok:
    start: int  # folded offsets
    end: int
    text: str
    sep: bool  # a comma, quote or bracket stands between the previous token and this one
    brk: bool  # a sentence break stands between the previous token and this one


@dataclass(frozen=True, slots=True)
class Hit:
    """A candidate mention over tokens ``[i, j)`` before resolution."""

    i: int
    j: int
    ids: tuple[str, ...] = ()
    kind: str | None = None  # from a type word or a sibling
    how: str = "name"  # name | typed | relational | list
    relation: str | None = None
    name_en: str | None = None
    country: str | None = None
    gov: str | None = None  # a governorate stated with the hit (relational forms)
    explicit: bool = False  # «محافظة X», «ريف X»: a strong governorate context
    ambiguous: bool = False
    sibling: int = -1  # index (in the hit list) of the known place an unknown list item sits beside


def tokenize(folded: Folded) -> list[Tok]:
    text = folded.text
    out: list[Tok] = []
    prev = 0
    for m in _TOKEN.finditer(text):
        gap = text[prev:m.start()]
        out.append(Tok(m.start(), m.end(), m.group(), bool(_SEP.search(gap)), bool(_BRK.search(gap))))
        prev = m.end()
    return out


def stems(tok: str) -> list[str]:
    """The token and its clitic-stripped forms, unstripped first: «وبدير» → وبدير, بدير, دير."""
    out = [tok]
    base = [tok]
    if tok[0] in "وف" and len(tok) > 3:
        base.append(tok[1:])
    for s in base:
        if s.startswith("لل") and len(s) > 3:
            out.append("ال" + s[2:])
        elif s[0] in "بلك" and len(s) > 3:
            out.append(s[1:])
    out.extend(base[1:])
    return out


@dataclass(frozen=True)
class Geoparser:
    """Finds and resolves place mentions. Pure and picklable."""

    gazetteer: Gazetteer
    words: PlaceWords

    # ------------------------------------------------------------------ matching

    def match(self, toks: Sequence[Tok], i: int, forms: Sequence[str] | None = None) -> tuple[int, tuple[str, ...]]:
        """Longest gazetteer name starting at token ``i`` (first token in any of ``forms``): (end, ids)."""
        best_j, best_ids = -1, tuple[str, ...]()
        n = len(toks)
        for form in forms if forms is not None else stems(toks[i].text):
            for cand, ids in self.gazetteer.index.get(form, ()):
                size = len(cand)
                if i + size <= best_j or i + size > n:
                    continue
                if all(toks[i + k].text == cand[k] and not toks[i + k].sep and not toks[i + k].brk
                       for k in range(1, size)):
                    best_j, best_ids = i + size, ids
                    break
        return best_j, best_ids

    def _dirs(self, toks: Sequence[Tok], k: int, table: dict[str, str], limit: int = 2) -> tuple[int, list[str]]:
        dirs: list[str] = []
        while k < len(toks) and len(dirs) < limit and toks[k].text in table and not toks[k].sep and not toks[k].brk:
            dirs.append(table[toks[k].text])
            k += 1
        return k, dirs

    def _relational(self, toks: Sequence[Tok], i: int) -> list[Hit]:
        w, n = self.words, len(toks)
        forms = stems(toks[i].text)
        for s in forms:
            if s == "ريف" and i + 1 < n:
                j, ids = self.match(toks, i + 1, [toks[i + 1].text])
                if j > 0 and self._settlement(ids):
                    k, dirs = self._dirs(toks, j, w.dir_adj)
                    return [Hit(i, k, ids, "region", "relational", _rel("countryside", dirs), explicit=True)]
            if s == "الريف" and i + 1 < n:
                k, dirs = self._dirs(toks, i + 1, w.dir_adj)
                if dirs and k < n and toks[k].text.startswith("ل") and len(toks[k].text) > 2:
                    rest = toks[k].text[1:]
                    if rest in w.types and k + 1 < n:
                        j, ids = self.match(toks, k + 1, [toks[k + 1].text])
                    else:
                        j, ids = self.match(toks, k, [rest, "ال" + rest[1:]] if rest.startswith("ل") else [rest])
                    if j > 0 and self._settlement(ids):
                        return [Hit(i, j, ids, "region", "relational", _rel("countryside", dirs), explicit=True)]
            if s in w.dir_noun and i + 1 < n:
                k, dirs = self._dirs(toks, i, w.dir_noun)
                if k < n and not toks[k].sep and not toks[k].brk:
                    if toks[k].text in w.country_ref:
                        cc = w.country_ref[toks[k].text]
                        return [Hit(i, k + 1, (f"cc:{cc}",), "region", "relational", _rel("part", dirs))]
                    j, ids = self.match(toks, k, [toks[k].text])
                    if j > 0 and (self._settlement(ids) or self._is_country(ids)):
                        rel = "part" if self._is_country(ids) else "countryside"
                        return [Hit(i, j, ids, "region", "relational", _rel(rel, dirs))]
            if s in w.dir_region and i + 1 < n:
                k, dirs = self._dirs(toks, i, w.dir_region, 1)
                k, more = self._dirs(toks, k, w.dir_adj, 1)
                if k < n and w.nisba.get(toks[k].text) and not toks[k].sep:
                    cc = w.nisba[toks[k].text]
                    return [Hit(i, k + 1, (f"cc:{cc}",), "region", "relational", _rel("part", dirs + more))]
            if s in ("الحدود", "حدود") and i + 1 < n:
                k, ccs = self._dirs(toks, i + 1, w.nisba, 3)
                foreign = [c for c in ccs if c != "SY"]
                if foreign:
                    names = "-".join(_COUNTRY_EN.get(c, c) for c in dict.fromkeys(["SY", *foreign]))
                    return [Hit(i, k, (), "region", "relational", "border", f"{names} border", country=None)]
            if s in w.dual and i + 1 < n:
                return self._dual(toks, i, w.dual[s])
        return []

    def _dual(self, toks: Sequence[Tok], i: int, kind: str) -> list[Hit]:
        n = len(toks)
        j, ids = self.match(toks, i + 1, [toks[i + 1].text])
        if j < 0:
            return []
        rel = "countryside" if kind == "countryside" else None
        hkind = "region" if rel else kind
        how = "relational" if rel else "typed"
        first = Hit(i, j, ids, hkind, how, rel, explicit=kind == "governorate" or bool(rel))
        if j < n and toks[j].text.startswith("و") and len(toks[j].text) > 2 and not toks[j].brk:
            rest = toks[j].text[1:]
            j2, ids2 = self.match(toks, j, [rest])
            if j2 > 0:
                second = Hit(j, j2, ids2, hkind, first.how, rel, explicit=first.explicit)
                if rel:
                    k, dirs = self._dirs(toks, j2, self.words.dir_adj)
                    relation = _rel("countryside", dirs)
                    return [replace(first, relation=relation), replace(second, j=k, relation=relation)]
                return [first, second]
        return [first]

    def _typed(self, toks: Sequence[Tok], i: int) -> list[Hit]:
        w, n = self.words, len(toks)
        if i + 1 >= n or toks[i + 1].sep or toks[i + 1].brk:
            return []
        for s in stems(toks[i].text):
            if s in w.types:
                kind = w.types[s]
                j, ids = self.match(toks, i + 1, [toks[i + 1].text])
                if j > 0:
                    j, _ = self._dirs(toks, j, {a: a for a in w.site_adj}, 2)
                    return [Hit(i, j, ids, kind, "typed", explicit=kind == "governorate")]
                end = self.unknown_name(toks, i + 1, strict=kind == "region")
                return [Hit(i, end, (), kind, "typed")] if end > 0 else []
            if s in w.plural:
                kind = w.plural[s]
                j, ids = self.match(toks, i + 1, [toks[i + 1].text])
                if j > 0:
                    return [Hit(i + 1, j, ids, kind, "typed")]
                end = self.unknown_name(toks, i + 1)
                return [Hit(i + 1, end, (), kind, "typed")] if end > 0 else []
        return []

    def unknown_name(self, toks: Sequence[Tok], k: int, *, strict: bool = False, strip_waw: bool = False) -> int:
        """End of an unknown toponym starting at ``k`` (one or two tokens), or -1."""
        w, n = self.words, len(toks)
        if k >= n:
            return -1
        first = toks[k].text
        if strip_waw and first.startswith("و") and len(first) > 3:
            first = first[1:]
        if not _name_like(first) or w.is_cue(first) or first in w.ambiguous:
            return -1
        end = k + 1
        if end < n and not toks[end].sep and not toks[end].brk:
            nxt = toks[end].text
            if nxt.startswith("ال") and _name_like(nxt) and not w.is_cue(nxt) and not nxt.endswith(("يه", "ي")):
                end += 1
        if strict and not first.startswith("ال") and end == k + 1:
            return -1
        return end

    def _settlement(self, ids: tuple[str, ...]) -> bool:
        return any((p := self.gazetteer.get(x)) is not None and p.kind in _SETTLEMENT for x in ids)

    def _is_country(self, ids: tuple[str, ...]) -> bool:
        return any((p := self.gazetteer.get(x)) is not None and p.kind == "country" for x in ids)

    # ------------------------------------------------------------------ scanning

    def find(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> tuple[list[Tok], list[Hit]]:
        """Candidate hits over the folded text, outside the ``exclude`` folded ranges."""
        toks = tokenize(folded)
        n = len(toks)
        blocked = [any(s < t.end and t.start < e for s, e in exclude) for t in toks]
        hits: list[Hit] = []
        i = 0
        while i < n:
            if blocked[i]:
                i += 1
                continue
            options: list[list[Hit]] = []
            j, ids = self.match(toks, i)
            if j > 0:
                amb = j == i + 1 and any(f in self.words.ambiguous for f in stems(toks[i].text))
                options.append([Hit(i, j, ids, ambiguous=amb)])
            for found in (self._typed(toks, i), self._relational(toks, i)):
                if found:
                    options.append(found)
            options = [o for o in options if not any(blocked[k] for h in o for k in range(h.i, h.j))]
            if not options:
                i += 1
                continue
            best = max(options, key=lambda o: (o[-1].j, -options.index(o)))
            hits.extend(best)
            i = max(best[-1].j, i + 1)
        hits = [h for h in hits if not self._excluded(folded, toks, h)]
        hits = self._lists(toks, hits, blocked)
        hits = [h for h in hits if not h.ambiguous]
        return toks, hits

    def _excluded(self, folded: Folded, toks: Sequence[Tok], h: Hit) -> bool:
        w = self.words
        if h.how != "name":
            return False
        prev = toks[h.i - 1].text if h.i > 0 and not toks[h.i].brk else ""
        nxt = toks[h.j].text if h.j < len(toks) and not toks[h.j].brk else ""
        places = [self.gazetteer.by_id[x] for x in h.ids]
        if prev in w.tz_before or _TIME_BEFORE.search(folded.text[max(0, toks[h.i].start - 12):toks[h.i].start]):
            return True
        if prev in w.person_before and h.j == h.i + 1:
            return True
        if any(p.kind in ("city", "country") for p in places):
            prev2 = toks[h.i - 2].text if h.i > 1 else ""
            if prev in w.metonymy_before or nxt in w.metonymy_after:
                return True
            if toks[h.i].text in self.gazetteer.index and (
                    prev in w.metonymy_after or (prev2 in w.metonymy_after and prev in {"عنها", "عنه", "عن"})):
                return True
        return False

    def _lists(self, toks: Sequence[Tok], hits: list[Hit], blocked: list[bool]) -> list[Hit]:
        """Unknown items listed beside known places (or after a plural type word) become places."""
        n = len(toks)
        taken = [False] * n
        starts: dict[int, int] = {}
        for idx, h in enumerate(hits):
            starts[h.i] = idx
            for k in range(h.i, h.j):
                taken[k] = True
        extra: list[Hit] = []
        for idx, h in enumerate(hits):
            if not self._listable(h):
                continue
            # rightwards: «X، Y وZ»
            k = h.j
            while k < n and not toks[k].brk and (toks[k].sep or toks[k].text.startswith("و")):
                if k in starts:
                    break
                if taken[k] or blocked[k]:
                    break
                end = self.unknown_name(toks, k, strip_waw=True)
                if end < 0 or not self._boundary(toks, end, starts):
                    break
                extra.append(Hit(k, end, (), h.kind, "list", sibling=idx))
                for m in range(k, end):
                    taken[m] = True
                k = end
            # leftwards: «A، B وX» when X itself is joined by a separator or و
            k = h.i
            while k > 0 and not toks[k].brk and (toks[k].sep or toks[k].text.startswith("و")):
                ok = False
                for size in (1, 2):
                    s = k - size
                    if s < 0 or any(taken[m] or blocked[m] for m in range(s, k)):
                        break
                    left_ok = s == 0 or toks[s].sep or toks[s].brk or toks[s].text.startswith("و") \
                        or toks[s - 1].text in self.words.stop or toks[s - 1].text in self.words.plural
                    if left_ok and self.unknown_name(toks, s, strip_waw=True) == k:
                        extra.append(Hit(s, k, (), h.kind, "list", sibling=idx))
                        for m in range(s, k):
                            taken[m] = True
                        k = s
                        ok = True
                        break
                if not ok:
                    break
        if not extra:
            return [replace(h, ambiguous=False) if h.ambiguous and self._supported(h, hits) else h for h in hits]
        merged = sorted([*hits, *extra], key=lambda h: h.i)
        # re-point siblings to positions in the merged list
        pos = {id(h): m for m, h in enumerate(merged)}
        out = []
        for h in merged:
            if h.how == "list":
                h = replace(h, sibling=pos[id(hits[h.sibling])])
            out.append(h)
        return [replace(h, ambiguous=False) if h.ambiguous and self._supported(h, out) else h for h in out]

    def _supported(self, h: Hit, hits: Sequence[Hit]) -> bool:
        """An ambiguous bare name counts when it sits in a list with other places."""
        for o in hits:
            if o is h or o.ambiguous:
                continue
            if o.j == h.i or h.j == o.i or o.j + 1 == h.i or h.j + 1 == o.i:
                return True
        return False

    def _listable(self, h: Hit) -> bool:
        if h.ambiguous or h.how == "relational" or h.how == "list":
            return False
        places = [self.gazetteer.by_id[x] for x in h.ids]
        if not places:
            return h.how == "typed"
        return all(p.country == "SY" and p.kind not in ("country", "governorate", "region", "river") for p in places)

    def _boundary(self, toks: Sequence[Tok], k: int, starts: dict[int, int]) -> bool:
        if k >= len(toks):
            return True
        t = toks[k]
        return t.sep or t.brk or k in starts or t.text.startswith("و") or t.text in self.words.stop

    # ------------------------------------------------------------------ resolution

    def resolve(self, folded: Folded, toks: Sequence[Tok], hits: Sequence[Hit]) -> list[PlaceMention]:
        gaz = self.gazetteer
        weights: Counter[str] = Counter()
        for h in hits:
            govs = {p.governorate for p in (gaz.by_id[x] for x in h.ids) if p.country == "SY" and p.governorate}
            if len(govs) == 1:
                weights[str(next(iter(govs)))] += 3 if h.explicit else 1
        chosen: list[Place | None] = []
        for h in hits:
            chosen.append(self._choose(h, weights, chosen))
        out: list[PlaceMention] = []
        for idx, h in enumerate(hits):
            span = folded.to_original(toks[h.i].start, toks[h.j - 1].end)
            surface = span.text(folded.original)
            place = chosen[idx]
            out.append(self._mention(h, span, surface, place, hits, chosen, weights))
        return out

    def _choose(self, h: Hit, weights: Counter[str], chosen: Sequence[Place | None]) -> Place | None:
        gaz = self.gazetteer
        cands = [gaz.by_id[x] for x in h.ids]
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        total = sum(weights.values()) or 1
        coords = [(p.lat, p.lon) for p in chosen if p is not None and p.lat is not None and p.country == "SY"]

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
        from marsad.model import Span

        assert isinstance(span, Span)
        gaz = self.gazetteer
        if h.how == "relational":
            return self._relational_mention(h, span, surface, place)
        if place is None:
            gov, country = self._context_gov(h, hits, chosen, weights)
            return PlaceMention(span=span, surface=surface, name_en=None, kind=h.kind or "village", governorate=gov,
                                geo_precision=2 if gov else 3, country=country, resolved=False, score=0.5)
        kind = place.kind
        if h.how == "typed" and h.kind and h.kind not in _SETTLEMENT and place.kind in _SETTLEMENT - {"neighbourhood"}:
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
        from marsad.model import Span

        assert isinstance(span, Span)
        rel = h.relation or ""
        if rel == "border":
            return PlaceMention(span=span, surface=surface, name_en=h.name_en, kind="region", governorate=None,
                                geo_precision=3, country=None, relation="border", resolved=True)
        if place is None:
            return PlaceMention(span=span, surface=surface, kind="region", resolved=False, relation=rel, score=0.5)
        base, _, direction = rel.partition(":")
        if place.kind in ("governorate", "city", "town", "village") and rel.startswith(("countryside", "part")) \
                and h.how == "typed":
            pass
        if base == "part" or place.kind == "country":
            label = _compass(direction)
            name = f"{label} {place.name_en}" if label else place.name_en
            return PlaceMention(span=span, surface=surface, name_en=name, kind="region", governorate=None,
                                place_id=place.place_id, lat=place.lat, lon=place.lon, geo_precision=3,
                                country=place.country, relation=rel, resolved=True)
        if base == "countryside" and h.kind in ("governorate", "city", "town") and not rel:
            base = "countryside"
        gov = place.governorate
        gov = _COUNTRYSIDE_GOV.get(gov, gov) if gov else gov
        if (place.kind == "city" and place.population >= 20000) or place.kind == "governorate":
            label = _DIR_EN.get(direction.split("-")[0], "") if "-" not in direction else _compass(direction) + "ern"
            name = f"{label} {place.name_en} countryside".strip()
            precision = 2
        else:
            label = _COMPASS.get(direction, direction.title())
            name = f"{label} of {place.name_en}" if direction else f"{place.name_en} countryside"
            rel = f"near:{direction}" if direction else rel
            precision = 2
        return PlaceMention(span=span, surface=surface, name_en=name, kind="region", governorate=gov,
                            place_id=place.place_id, lat=place.lat, lon=place.lon, geo_precision=precision,
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

    def __call__(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> list[PlaceMention]:
        toks, hits = self.find(folded, exclude=exclude)
        return self.resolve(folded, toks, hits)


def _rel(base: str, dirs: Sequence[str]) -> str:
    return f"{base}:{'-'.join(dirs)}" if dirs else base


def _compass(direction: str) -> str:
    parts = [p for p in direction.split("-") if p]
    if not parts:
        return ""
    if len(parts) == 1:
        return _DIR_EN.get(parts[0], parts[0].title())
    return "".join(_COMPASS.get(p, p.title()) if k == 0 else _COMPASS.get(p, p).lower() for k, p in enumerate(parts))


def _name_like(tok: str) -> bool:
    return len(tok) >= 2 and not tok.isdigit() and not tok.isascii() and tok not in ("ال",)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))

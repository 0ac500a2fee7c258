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

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress
from typing import NamedTuple

from marsad.geo.boundaries import region_point
from marsad.geo.gazetteer import Gazetteer, NameNode, Place
from marsad.geo.words import PlaceWords
from marsad.model import PlaceMention, Span
from marsad.normalize import Folded

_NEWLINE = re.compile(r"[\n\r\u2028\u2029]+")
_WORD_SPLIT = re.compile(r"([0-9a-z\u0621-\u064a]+)")  # split with the words kept: gap, word, gap, ..., gap
_SEP_CHARS = frozenset(",;:/")
_BRK_CHARS = frozenset(".!?\n")
_QUOTE_CHARS = frozenset("\"'()[]")
_TIME_BEFORE = re.compile(r"\d{1,2}:\d{2}\s*(?:[-|]\s*)?$")
_DIR_EN = {"east": "Eastern", "west": "Western", "north": "Northern", "south": "Southern", "centre": "Central"}
_COMPASS = {"east": "East", "west": "West", "north": "North", "south": "South", "centre": "Central"}
_COUNTRY_EN = {"SY": "Syria", "IQ": "Iraq", "TR": "Turkey", "JO": "Jordan", "LB": "Lebanon", "IL": "Israel"}
_LISTABLE = frozenset({"city", "town", "village", "neighbourhood", "airbase", "military_base", "border_crossing",
                       "oil_gas_field", "mine"})
_BRACKETS = (("(", ")"), ("«", "»"), ("“", "”"))
_CLOSING = frozenset(c for _, c in _BRACKETS)
_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "كم", "هن")
_POPULATED = frozenset({"city", "town", "village"})
_SETTLEMENT = frozenset({"city", "town", "village", "governorate", "neighbourhood"})
_PRECISION = {"governorate": 3, "country": 3, "region": 3, "river": 3, "road": 3, "mountain": 2}
_NAME, _TYPED, _RELATIONAL, _AMBIGUOUS = 1, 2, 4, 8  # roles of an opening token (``Geoparser.openers``)
# the countryside of Damascus is its own governorate
_COUNTRYSIDE_GOV = {"Damascus": "Rif Dimashq"}


@dataclass(frozen=True, slots=True)
class Tokens:
    """The word tokens of a folded text as parallel lists: token ``k`` is ``text[k]`` at folded
    ``[start[k], end[k])``, with flags for what stands between token ``k - 1`` and token ``k``. (Lists rather
    than one record per token: every word of every article is tokenized, and only a few are looked at.)"""

    text: list[str]
    start: list[int]
    end: list[int]
    sep: list[bool]  # a comma, semicolon, colon or slash
    brk: list[bool]  # a sentence break
    quote: list[bool]  # a quote or bracket
    conj: list[bool]  # a detached «و»: «و"الحمام"»

    def __len__(self) -> int:
        return len(self.text)


class Hit(NamedTuple):
    """A candidate mention over tokens ``[i, j)`` before resolution (a named tuple: cheaper to build than a
    frozen dataclass, and a text has dozens)."""

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
    closed: bool = False  # a dual («مدينتي A وB») names exactly two places: no list runs on from it


class Opener(NamedTuple):
    """What a mention starting at a token can be."""

    role: int  # _NAME | _TYPED | _RELATIONAL, and _AMBIGUOUS when a stem is an ambiguous common word
    names: tuple[str, ...]  # its stems that begin gazetteer names, in ``stems`` order


class IdsFacts(NamedTuple):
    """What matching and ranking ask of a tuple of candidate place ids."""

    places: tuple[Place, ...]
    kinds: frozenset[str]
    governorate: str | None  # the one Syrian governorate of the candidates (None if none or several)
    listable: bool  # every candidate is a Syrian place of a kind that is listed: «قرى A وB»


def ids_facts(gazetteer: Gazetteer, ids: tuple[str, ...]) -> IdsFacts:
    places = tuple(p for p in map(gazetteer.get, ids) if p is not None)
    govs = {p.governorate for p in places if p.country == "SY" and p.governorate}
    return IdsFacts(places, frozenset(p.kind for p in places), next(iter(govs)) if len(govs) == 1 else None,
                    all(p.country == "SY" and p.kind in _LISTABLE for p in places))


def _trie_ids(nodes: Iterable[NameNode]) -> Iterable[tuple[str, ...]]:
    for node in nodes:
        if node.ids:
            yield node.ids
        yield from _trie_ids(node.next.values())


def tokenize(folded: Folded) -> Tokens:
    """Word tokens with the punctuation between them recorded as flags; a detached «و» becomes ``conj``.

    One C-level split gives gap, word, gap, word, ..., gap; offsets are running sums of the part lengths, and
    only gaps other than a single space (a few per sentence) are inspected.
    """
    text = folded.text
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    n = len(words)
    bounds = list(accumulate(map(len, parts)))
    start, end = bounds[0:-1:2], bounds[1::2]
    sep, brk, quote = [False] * n, [False] * n, [False] * n
    gaps = parts[0:-1:2]  # gaps[k] stands before words[k]
    for k in compress(range(n), map(" ".__ne__, gaps)):
        g = gaps[k]
        if not _SEP_CHARS.isdisjoint(g):
            sep[k] = True
        if not _BRK_CHARS.isdisjoint(g):
            brk[k] = True
        if not _QUOTE_CHARS.isdisjoint(g):
            quote[k] = True
    # folding turns line breaks into spaces: find where the original broke lines. A break counts for the first
    # token after it when it lies between that token and the one before.
    for line_break in _line_breaks(folded.original):
        pos = folded.to_folded(line_break)
        k = bisect.bisect_right(start, pos)
        if k < n and pos >= (end[k - 1] if k else 0):
            brk[k] = True
    conj = [False] * n
    if "و" in words:  # drop detached «و» tokens; their flags pass to the next token
        for k, word in enumerate(words):
            if word == "و" and k + 1 < n:
                conj[k + 1] = True
                sep[k + 1] = sep[k + 1] or sep[k]
                brk[k + 1] = brk[k + 1] or brk[k]
                quote[k + 1] = quote[k + 1] or quote[k]
        keep = list(map("و".__ne__, words))
        return Tokens(list(compress(words, keep)), list(compress(start, keep)), list(compress(end, keep)),
                      list(compress(sep, keep)), list(compress(brk, keep)), list(compress(quote, keep)),
                      list(compress(conj, keep)))
    return Tokens(words, start, end, sep, brk, quote, conj)


def _line_breaks(text: str) -> list[int]:
    """Where each run of line breaks starts; by ``str.find`` (far quicker than a regex scan) when «\n» is the
    only line break in the text."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        return [m.start() for m in _NEWLINE.finditer(text)]
    out: list[int] = []
    prev = -2
    pos = text.find("\n")
    while pos >= 0:
        if pos != prev + 1:
            out.append(pos)
        prev = pos
        pos = text.find("\n", pos + 1)
    return out


@lru_cache(maxsize=65536)
def stems(tok: str) -> tuple[str, ...]:
    """The token and its clitic-stripped forms, unstripped first: «وبدير» → وبدير, بدير, دير."""
    base = [tok]
    if tok[0] in "وف" and len(tok) > 3:
        base.append(tok[1:])
    out = list(base)
    for s in base:
        if s.startswith("لل") and len(s) > 3:
            out.append("ال" + s[2:])
        elif s[0] in "بلك" and len(s) > 3:
            out.append(s[1:])
    return tuple(out)


@dataclass(frozen=True)
class Geoparser:
    """Finds and resolves place mentions. Pure and picklable."""

    gazetteer: Gazetteer
    words: PlaceWords
    # token (clitics included) → what a mention starting at it can be. Worked out once for every form, so a
    # token costs one dict look-up, and only tokens found here are looked at further.
    openers: dict[str, Opener] = field(default_factory=dict, repr=False, compare=False)
    # what the resolver asks of a hit's candidate ids, for every id tuple of the name trie
    facts: dict[tuple[str, ...], IdsFacts] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.openers:
            object.__setattr__(self, "openers", _openers(self.gazetteer, self.words))
        if not self.facts:
            gaz = self.gazetteer
            every = {(), *_trie_ids(gaz.trie.values()), *((p.place_id,) for p in gaz.places)}
            object.__setattr__(self, "facts", {ids: ids_facts(gaz, ids) for ids in every})

    # ------------------------------------------------------------------ matching

    def match(self, toks: Tokens, i: int, forms: Sequence[str] | None = None) -> tuple[int, tuple[str, ...]]:
        """Longest gazetteer name starting at token ``i`` (first token in any of ``forms``): (end, ids).

        Each form walks the name trie while the next token continues a name without punctuation between;
        a later form wins only with a longer name."""
        best_j, best_ids = -1, tuple[str, ...]()
        text, sep, brk, conj = toks.text, toks.sep, toks.brk, toks.conj
        n = len(text)
        trie = self.gazetteer.trie
        for form in forms if forms is not None else stems(text[i]):
            node = trie.get(form)
            if node is None:
                continue
            k = i + 1
            j, ids = (k, node.ids) if node.ids else (-1, best_ids)
            while node.next and k < n and not (sep[k] or brk[k] or conj[k]):
                nxt = node.next.get(text[k])
                if nxt is None:
                    break
                node, k = nxt, k + 1
                if node.ids:
                    j, ids = k, node.ids
            if j > best_j:
                best_j, best_ids = j, ids
        return best_j, best_ids

    def _dirs(self, toks: Tokens, k: int, table: dict[str, str], limit: int = 2,
              *, first: str | None = None) -> tuple[int, list[str]]:
        dirs: list[str] = []
        if first is not None and k < len(toks):
            dirs.append(table[first])
            k += 1
        while k < len(toks) and len(dirs) < limit and toks.text[k] in table and not toks.sep[k] and not toks.brk[k]:
            dirs.append(table[toks.text[k]])
            k += 1
        return k, dirs

    def _relational(self, toks: Tokens, i: int) -> list[Hit]:
        w, n = self.words, len(toks)
        forms = stems(toks.text[i])
        for s in forms:
            if s == "ريف" and i + 1 < n:
                j, ids = self.match(toks, i + 1, [toks.text[i + 1]])
                if j > 0 and self._settlement(ids):
                    k, dirs = self._dirs(toks, j, w.dir_adj)
                    return [Hit(i, k, ids, "region", "relational", _rel("countryside", dirs), explicit=True)]
            if s == "الريف" and i + 1 < n:
                k, dirs = self._dirs(toks, i + 1, w.dir_adj)
                if dirs and k < n and toks.text[k].startswith("ل") and len(toks.text[k]) > 2:
                    rest = toks.text[k][1:]
                    if rest in w.types and k + 1 < n:
                        j, ids = self.match(toks, k + 1, [toks.text[k + 1]])
                    else:
                        j, ids = self.match(toks, k, [rest, "ال" + rest[1:]] if rest.startswith("ل") else [rest])
                    if j > 0 and self._settlement(ids):
                        return [Hit(i, j, ids, "region", "relational", _rel("countryside", dirs), explicit=True)]
            if s in w.dir_noun and i + 1 < n:
                k, dirs = self._dirs(toks, i, w.dir_noun, first=s)
                if k < n and not toks.sep[k] and not toks.brk[k]:
                    if toks.text[k] in w.country_ref:
                        cc = w.country_ref[toks.text[k]]
                        return [Hit(i, k + 1, (f"cc:{cc}",), "region", "relational", _rel("part", dirs))]
                    j, ids = self.match(toks, k, [toks.text[k]])
                    if j > 0 and (self._settlement(ids) or self._is_country(ids)):
                        rel = "part" if self._is_country(ids) else "countryside"
                        return [Hit(i, j, ids, "region", "relational", _rel(rel, dirs))]
            if s in w.dir_region and i + 1 < n:
                k, dirs = self._dirs(toks, i, w.dir_region, 1, first=s)
                k, more = self._dirs(toks, k, w.dir_adj, 1)
                if k < n and w.nisba.get(toks.text[k]) and not toks.sep[k]:
                    cc = w.nisba[toks.text[k]]
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

    def _dual(self, toks: Tokens, i: int, kind: str) -> list[Hit]:
        """«محافظتي الرقة ودير الزور», «بلدتي "رطلة" و"الحمام"», «ريفي حلب وإدلب»: one hit per name."""
        n = len(toks)
        if toks.sep[i + 1] or toks.brk[i + 1]:
            return []
        rel = "countryside" if kind == "countryside" else None
        hkind = "region" if rel else kind
        how = "relational" if rel else "typed"
        explicit = kind == "governorate" or bool(rel)
        j, ids = self.match(toks, i + 1, [toks.text[i + 1]])
        if j < 0 and not rel:
            j, ids = self.unknown_name(toks, i + 1, in_list=True, typed=True), ()
        if j < 0:
            return []
        first = Hit(i, j, ids, hkind, how, rel, explicit=explicit)
        if j >= n or not _item_start(toks, j) or toks.sep[j]:
            return [first]
        forms = [toks.text[j]] if toks.conj[j] else [toks.text[j][1:]]
        j2, ids2 = self.match(toks, j, forms)
        if j2 < 0 and not rel:
            j2, ids2 = self.unknown_name(toks, j, in_list=True, typed=True), ()
        if j2 < 0:
            return [first]
        second = Hit(j, j2, ids2, hkind, how, rel, explicit=explicit, closed=True)
        first = first._replace(closed=True)
        if rel:
            k, dirs = self._dirs(toks, j2, self.words.dir_adj)
            relation = _rel("countryside", dirs)
            return [first._replace(relation=relation), second._replace(j=k, relation=relation)]
        return [first, second]

    def _typed(self, toks: Tokens, i: int) -> list[Hit]:
        w, n = self.words, len(toks)
        if i + 1 >= n or toks.sep[i + 1] or toks.brk[i + 1] or toks.conj[i + 1]:
            return []
        for s in stems(toks.text[i]):
            if s in w.types:
                kind = w.types[s]
                j, ids = self.match(toks, i + 1, [toks.text[i + 1]])
                if j > 0:
                    end_ = min(j + 2, n)  # up to two site adjectives: «مطار دير الزور العسكري»
                    while j < end_ and toks.text[j] in w.site_adj and not toks.sep[j] and not toks.brk[j]:
                        j += 1
                    return [Hit(i, j, ids, kind, "typed", explicit=kind == "governorate")]
                end = self.unknown_name(toks, i + 1, strict=kind == "region", typed=True)
                return [Hit(i, end, (), kind, "typed")] if end > 0 else []
            if s in w.plural:
                kind = w.plural[s]
                j, ids = self.match(toks, i + 1, [toks.text[i + 1]])
                if j > 0:
                    return [Hit(i + 1, j, ids, kind, "typed")]
                end = self.unknown_name(toks, i + 1, in_list=True)
                return [Hit(i + 1, end, (), kind, "typed")] if end > 0 else []
        return []

    def unknown_name(self, toks: Tokens, k: int, *, strict: bool = False, in_list: bool = False,
                     starts: dict[int, int] | None = None, typed: bool = False) -> int:
        """End of an unknown toponym starting at ``k`` (one or two tokens), or -1.

        In a list (``in_list``) the name must end at a list boundary; a leading «و» (and «ب» before «ال»)
        is a clitic, not part of the name.
        """
        n = len(toks)
        if k >= n:
            return -1
        first = toks.text[k]
        if in_list:
            if first.startswith("و") and len(first) > 3:
                first = first[1:]
            if first.startswith(("بال", "لل")) and len(first) > 4:
                first = first[1:]
        if not self._name_token(first, typed=typed):
            return -1
        second_ok = (k + 1 < n and not toks.sep[k + 1] and not toks.brk[k + 1] and not toks.conj[k + 1]
                     and not toks.quote[k + 1] and not toks.text[k + 1].startswith("و")
                     and (self._name_token(toks.text[k + 1])
                          or (in_list and toks.text[k + 1] in self.words.dir_adj)))
        if in_list:
            if self._boundary(toks, k + 1, starts or {}):
                return k + 1
            if second_ok and self._boundary(toks, k + 2, starts or {}):
                return k + 2
            return -1
        end = k + 1
        if second_ok and toks.text[end].startswith("ال") and not toks.text[end].endswith(("يه", "ي")):
            end += 1
        if strict and not first.startswith("ال") and end == k + 1:
            return -1
        return end

    def _name_token(self, tok: str, *, typed: bool = False) -> bool:
        """Can ``tok`` be (the start of) an unknown toponym? A type word before it vouches for ambiguous words."""
        w = self.words
        if not _name_like(tok) or (tok in w.ambiguous and not typed) or tok.endswith(_PRONOUN_SUFFIXES):
            return False
        return w.cues.isdisjoint(stems(tok))  # the first stem is the token itself

    def _settlement(self, ids: tuple[str, ...]) -> bool:
        return not self._facts(ids).kinds.isdisjoint(_SETTLEMENT)

    def _is_country(self, ids: tuple[str, ...]) -> bool:
        return "country" in self._facts(ids).kinds

    def _facts(self, ids: tuple[str, ...]) -> IdsFacts:
        facts = self.facts.get(ids)
        return facts if facts is not None else ids_facts(self.gazetteer, ids)

    # ------------------------------------------------------------------ scanning

    def find(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> tuple[Tokens, list[Hit]]:
        """Candidate hits over the folded text, outside the ``exclude`` folded ranges."""
        toks = tokenize(folded)
        n = len(toks)
        blocked = [False] * n
        for s, e in exclude:  # the tokens overlapping [s, e): ending after s and starting before e
            a, b = bisect.bisect_right(toks.end, s), bisect.bisect_left(toks.start, e)
            if a < b:
                blocked[a:b] = [True] * (b - a)
        openers, text = self.openers, toks.text
        hits: list[Hit] = []
        reached = 0  # end of the last hit: no hit starts inside another
        for i in compress(range(n), map(openers.__contains__, text)):
            if i < reached or blocked[i]:
                continue
            role, names = openers[text[i]]
            options: list[list[Hit]] = []
            if role & _NAME:
                j, ids = self.match(toks, i, names)
                if j > 0:
                    options.append([Hit(i, j, ids, ambiguous=j == i + 1 and bool(role & _AMBIGUOUS))])
            if role & _TYPED and (found := self._typed(toks, i)):
                options.append(found)
            if role & _RELATIONAL and (found := self._relational(toks, i)):
                options.append(found)
            # the option reaching furthest, the first of equals, of those clear of excluded tokens (an option's
            # hits are contiguous, so its tokens are [first.i, last.j))
            best: list[Hit] | None = None
            for o in options:
                if (best is None or o[-1].j > best[-1].j) and not (exclude and True in blocked[o[0].i:o[-1].j]):
                    best = o
            if best is not None:
                hits.extend(best)
                reached = best[-1].j
        hits = [h for h in hits if h.how != "name" or not self._excluded(folded.text, toks, h)]
        hits = self._lists(toks, hits, blocked)
        hits = [h for h in hits if not h.ambiguous]
        return toks, hits

    def _excluded(self, ftext: str, toks: Tokens, h: Hit) -> bool:
        """A bare name used otherwise: a time zone, a person's name, a government (metonymy)."""
        w, text, brk = self.words, toks.text, toks.brk
        i, j = h.i, h.j
        prev = text[i - 1] if i > 0 and not brk[i] else ""
        if prev in w.tz_before:
            return True
        start = toks.start[i]
        before = ftext[max(0, start - 12):start]
        if ":" in before and _TIME_BEFORE.search(before):
            return True
        if prev in w.person_before and j == i + 1:
            return True
        kinds = self._facts(h.ids).kinds
        if "country" not in kinds and "city" not in kinds:
            return False
        nxt = text[j] if j < len(text) and not brk[j] else ""
        if "country" in kinds and (prev == "غير" or nxt in ("وغير", "غير")):
            return True
        if prev in w.metonymy_before or nxt in w.metonymy_after:
            return True
        prev2 = text[i - 2] if i > 1 else ""
        return text[i] in self.gazetteer.index and (
            prev in w.metonymy_after or (prev2 in w.metonymy_after and prev in {"عنها", "عنه", "عن"}))

    def _lists(self, toks: Tokens, hits: list[Hit], blocked: list[bool]) -> list[Hit]:
        """Unknown items listed beside known places (or after a type word) become places.

        A chain «A، B وC» is read right and left of each known place. Its unknown items are kept when the
        chain is introduced by a type word, holds two known places, is separated by commas or quotes, or has
        three items or more; an item must end at a list boundary.
        """
        n = len(toks)
        taken = blocked[:]
        starts: dict[int, int] = {}
        for idx, h in enumerate(hits):
            starts[h.i] = idx
            for k in range(h.i, h.j):
                taken[k] = True
        extra: list[Hit] = []
        done: set[int] = set()
        for idx, h in enumerate(hits):
            if idx in done or not self._listable(h):
                continue
            items: list[tuple[int, int, int]] = [(h.i, h.j, idx)]  # (i, j, hit index or -1)
            k = h.j
            while k < n and _item_start(toks, k):
                if k in starts:
                    other = starts[k]
                    if not self._listable(hits[other]):
                        break
                    items.append((k, hits[other].j, other))
                    k = hits[other].j
                    continue
                if taken[k]:
                    break
                end = self.unknown_name(toks, k, in_list=True, starts=starts)
                if end < 0 or any(taken[m] for m in range(k, end)):
                    break
                items.append((k, end, -1))
                k = end
            k = h.i
            while k > 0 and _item_start(toks, k):
                found = False
                for size in (1, 2):
                    st = k - size
                    if st < 0 or any(taken[m] for m in range(st, k)):
                        break
                    if not self._left_edge(toks, st):
                        continue
                    if self.unknown_name(toks, st, in_list=True, starts={k: 0}) == k:
                        items.insert(0, (st, k, -1))
                        k, found = st, True
                        break
                if not found:
                    break
            known = [x for _, _, x in items if x >= 0]
            for x in known:
                done.add(x)
            unknown = [(a, b) for a, b, x in items if x < 0]
            if not unknown:
                continue
            punctuated = any(toks.sep[a] or toks.quote[a] for a, _, _ in items[1:])
            typed = any(hits[x].how == "typed" for x in known)
            if not (typed or len(known) >= 2 or punctuated or len(items) >= 3):
                continue
            for a, b in unknown:
                near = min(known, key=lambda x: abs(hits[x].i - a))
                extra.append(Hit(a, b, (), hits[near].kind or self._kind_of(hits[near]), "list", sibling=near))
                for m in range(a, b):
                    taken[m] = True
        if extra:
            merged = sorted([*hits, *extra], key=lambda h: h.i)
            pos = {id(h): m for m, h in enumerate(merged)}
            hits = [h._replace(sibling=pos[id(hits[h.sibling])]) if h.how == "list" else h for h in merged]
        return [h._replace(ambiguous=False) if h.ambiguous and self._supported(h, hits) else h for h in hits]

    def _left_edge(self, toks: Tokens, st: int) -> bool:
        """Token ``st`` can open a list item: after punctuation, a type word, a preposition, or with «و»/«ب»."""
        if (st == 0 or toks.sep[st] or toks.brk[st] or toks.quote[st] or toks.conj[st]
                or toks.text[st].startswith(("و", "بال"))):
            return True
        prev = toks.text[st - 1]
        w = self.words
        return prev in w.stop or prev in w.plural or prev in w.types or prev in w.dual

    def _kind_of(self, h: Hit) -> str | None:
        places = self._facts(h.ids).places
        return places[0].kind if places else None

    def _supported(self, h: Hit, hits: Sequence[Hit]) -> bool:
        """An ambiguous bare name counts when it sits in a list with other places."""
        for o in hits:
            if o is h or o.ambiguous:
                continue
            if o.j == h.i or h.j == o.i:
                return True
        return False

    def _listable(self, h: Hit) -> bool:
        if h.ambiguous or h.closed or h.how in ("relational", "list"):
            return False
        if not h.ids:
            return h.how == "typed"
        return self._facts(h.ids).listable

    def _boundary(self, toks: Tokens, k: int, starts: dict[int, int]) -> bool:
        if k >= len(toks):
            return True
        text = toks.text[k]
        if toks.sep[k] or toks.brk[k] or toks.quote[k] or toks.conj[k] or k in starts or text.startswith("و"):
            return True
        return text in self.words.after or any(f in self.words.dir_noun for f in stems(text))

    # ------------------------------------------------------------------ resolution

    def resolve(self, folded: Folded, toks: Tokens, hits: Sequence[Hit]) -> list[PlaceMention]:
        weights: Counter[str] = Counter()
        for h in hits:
            gov = self._facts(h.ids).governorate
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
        for idx, p in enumerate(chosen):
            if p is None or p.kind not in ("village", "town") or p.population >= 20000 or p.lat is None:
                continue
            if not p.place_id.startswith("gn:"):  # curated and imported entries were chosen on purpose
                continue
            if not p.governorate or p.governorate == top or strong.get(p.governorate, 0) - own[idx] > 0:
                continue
            if min(_km(p.lat, p.lon or 0.0, a, b) for a, b in near) > 100:
                chosen[idx] = None  # kept as an unresolved place in the document's context

    def _choose(self, h: Hit, weights: Counter[str], chosen: Sequence[Place | None]) -> Place | None:
        cands = self._facts(h.ids).places
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        total = sum(weights.values()) or 1
        coords: list[tuple[float | None, float | None]] = []
        if len({p.governorate for p in cands}) > 1:  # distance only helps to choose between governorates
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
        gov_entry = next((g for g in self._facts(h.ids).places if g.kind == "governorate"), None)
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

    def __call__(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> list[PlaceMention]:
        toks, hits = self.find(folded, exclude=exclude)
        return self.resolve(folded, toks, hits)


def _openers(gazetteer: Gazetteer, words: PlaceWords) -> dict[str, Opener]:
    roles = ((_NAME, frozenset(gazetteer.index)), (_TYPED, frozenset((*words.types, *words.plural))),
             (_RELATIONAL, frozenset(("ريف", "الريف", "الحدود", "حدود", *words.dir_noun, *words.dir_region,
                                      *words.dual))))
    bits: dict[str, int] = {}
    for bit, heads in roles:
        for tok in _with_clitics(heads):
            bits[tok] = bits.get(tok, 0) | bit
    out: dict[str, Opener] = {}
    for tok, role in bits.items():
        forms = stems(tok)
        if not words.ambiguous.isdisjoint(forms):
            role |= _AMBIGUOUS
        out[tok] = Opener(role, tuple(f for f in forms if f in gazetteer.trie))
    return out


def _with_clitics(heads: frozenset[str]) -> Iterable[str]:
    """The tokens whose ``stems`` include one of ``heads``. ``stems`` strips at most «و»/«ف», then «ب»/«ل»/«ك»
    or «لل» → «ال», so every such token is a head with those clitics put back; each candidate is checked."""
    for x in heads:
        bases = [x, *(c + x for c in "بلك")]
        if x.startswith("ال"):
            bases.append("لل" + x[2:])
        for b in bases:
            for tok in (b, "و" + b, "ف" + b):
                if not heads.isdisjoint(stems(tok)):
                    yield tok


def _rel(base: str, dirs: Sequence[str]) -> str:
    return f"{base}:{'-'.join(dirs)}" if dirs else base


def _compass(direction: str) -> str:
    parts = [p for p in direction.split("-") if p]
    if not parts:
        return ""
    if len(parts) == 1:
        return _DIR_EN.get(parts[0], parts[0].title())
    return "".join(_COMPASS.get(p, p.title()) if k == 0 else _COMPASS.get(p, p).lower() for k, p in enumerate(parts))


def _item_start(toks: Tokens, k: int) -> bool:
    text = toks.text[k]
    return not toks.brk[k] and (toks.sep[k] or toks.conj[k] or toks.quote[k]
                                or (text.startswith("و") and len(text) > 2))


def _name_like(tok: str) -> bool:
    return len(tok) >= 2 and not tok.isdigit() and not tok.isascii() and tok not in ("ال",)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))

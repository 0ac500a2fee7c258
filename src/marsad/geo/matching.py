"""Finding place mentions: gazetteer names, type words, relational forms, duals and lists over the tokens.

See ``marsad.geo.geoparse`` for what is read. Each token is looked up once in ``Matcher.openers`` (every form,
clitics included, that can start a mention, with what it can start); names are matched by walking the
gazetteer's token trie, longest name first.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import NamedTuple

from marsad.geo.gazetteer import Gazetteer
from marsad.geo.tokens import Tokens, stems, tokenize, with_clitics
from marsad.geo.words import PlaceWords
from marsad.normalize import Folded

_TIME_BEFORE = re.compile(r"\d{1,2}:\d{2}\s*(?:[-|]\s*)?$")
_COUNTRY_EN = {"SY": "Syria", "IQ": "Iraq", "TR": "Turkey", "JO": "Jordan", "LB": "Lebanon", "IL": "Israel"}
_LISTABLE = frozenset({"city", "town", "village", "neighbourhood", "airbase", "military_base", "border_crossing",
                       "oil_gas_field", "mine"})
_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "كم", "هن")
SETTLEMENT = frozenset({"city", "town", "village", "governorate", "neighbourhood"})
_NO_IDS: tuple[str, ...] = ()
_NAME, _TYPED, _RELATIONAL, _AMBIGUOUS = 1, 2, 4, 8  # roles of an opening token (see ``Opener``)


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


# What a mention starting at a token can be: (role, names). ``role`` is _NAME | _TYPED | _RELATIONAL, with
# _AMBIGUOUS when a stem is an ambiguous common word; ``names`` are its stems that begin gazetteer names, in
# ``stems`` order. (A plain tuple: there is one per form of every trigger, ~11,000, pickled with the stage.)
Opener = tuple[int, tuple[str, ...]]


@dataclass(frozen=True)
class Matcher:
    """Finds candidate mentions (``Hit``) over the tokens of a folded text. Pure and picklable."""

    gazetteer: Gazetteer
    words: PlaceWords
    # token (clitics included) → what a mention starting at it can be. Worked out once for every form, so a
    # token costs one dict look-up, and only tokens found here are looked at further.
    openers: dict[str, Opener] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.openers:
            object.__setattr__(self, "openers", _openers(self.gazetteer, self.words))

    def match(self, toks: Tokens, i: int, forms: Sequence[str] | None = None) -> tuple[int, tuple[str, ...]]:
        """Longest gazetteer name starting at token ``i`` (first token in any of ``forms``): (end, ids).

        Each form walks the name trie while the next token continues a name without punctuation between;
        a later form wins only with a longer name."""
        best_j, best_ids = -1, _NO_IDS
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
        return not self.gazetteer.candidates(ids).kinds.isdisjoint(SETTLEMENT)

    def _is_country(self, ids: tuple[str, ...]) -> bool:
        return "country" in self.gazetteer.candidates(ids).kinds

    # ------------------------------------------------------------------ scanning

    def find(self, folded: Folded, *, exclude: Sequence[tuple[int, int]] = ()) -> tuple[Tokens, list[Hit]]:
        """Candidate hits over the folded text, outside the ``exclude`` folded ranges."""
        toks = tokenize(folded)
        n = len(toks)
        blocked = [False] * n
        ends, starts = toks.end, toks.start
        for s, e in exclude:  # the tokens overlapping [s, e): ending after s and starting before e
            a, b = bisect_right(ends, s), bisect_left(starts, e)
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
        kinds = self.gazetteer.candidates(h.ids).kinds
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
            taken[h.i:h.j] = [True] * (h.j - h.i)
        extra: list[Hit] = []
        done: set[int] = set()
        for idx, h in enumerate(hits):
            # most hits have no list item on either side: nothing to read for them
            if idx in done or not ((h.j < n and _item_start(toks, h.j)) or (h.i > 0 and _item_start(toks, h.i))):
                continue
            if not self._listable(h):
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
        places = self.gazetteer.candidates(h.ids).places
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
        cands = self.gazetteer.candidates(h.ids)
        return cands.syrian and cands.kinds <= _LISTABLE  # every candidate a Syrian place of a listed kind

    def _boundary(self, toks: Tokens, k: int, starts: dict[int, int]) -> bool:
        if k >= len(toks):
            return True
        text = toks.text[k]
        if toks.sep[k] or toks.brk[k] or toks.quote[k] or toks.conj[k] or k in starts or text.startswith("و"):
            return True
        return text in self.words.after or any(f in self.words.dir_noun for f in stems(text))


def _openers(gazetteer: Gazetteer, words: PlaceWords) -> dict[str, Opener]:
    roles = ((_NAME, frozenset(gazetteer.index)), (_TYPED, frozenset((*words.types, *words.plural))),
             (_RELATIONAL, frozenset(("ريف", "الريف", "الحدود", "حدود", *words.dir_noun, *words.dir_region,
                                      *words.dual))))
    bits: dict[str, int] = {}
    for bit, heads in roles:
        for tok in with_clitics(heads):
            bits[tok] = bits.get(tok, 0) | bit
    out: dict[str, Opener] = {}
    for tok, role in bits.items():
        forms = stems(tok)
        if not words.ambiguous.isdisjoint(forms):
            role |= _AMBIGUOUS
        out[tok] = (role, tuple(f for f in forms if f in gazetteer.trie))
    return out


def _rel(base: str, dirs: Sequence[str]) -> str:
    return f"{base}:{'-'.join(dirs)}" if dirs else base


def _item_start(toks: Tokens, k: int) -> bool:
    text = toks.text[k]
    return not toks.brk[k] and (toks.sep[k] or toks.conj[k] or toks.quote[k]
                                or (text.startswith("و") and len(text) > 2))


def _name_like(tok: str) -> bool:
    return len(tok) >= 2 and not tok.isdigit() and not tok.isascii() and tok not in ("ال",)

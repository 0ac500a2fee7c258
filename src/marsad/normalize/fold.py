"""Arabic folding for matching, with an offset map back into the original text.

Folding never changes what is stored or shown: it produces a *matching* view of the text. Every folded
character remembers the original offset it came from, so a match ``[a, b)`` in the folded text maps
back to an exact ``Span`` of the original.

What is folded (see ``data/charmap.json`` for the table and its provenance header):
alef and hamza seats (أ إ آ ٱ → ا, ؤ → و, ئ → ي), ta marbuta (ة → ه), alef maqsura (ى → ي), diacritics and
tatweel (removed), Arabic-Indic and Persian digits (→ ASCII), Arabic punctuation and quote/dash variants,
zero-width and bidi marks (removed), Latin case, and runs of whitespace (→ one space).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from marsad.model.document import Span


@dataclass(frozen=True)
class CharMap:
    """A character folding table: ``table[ch]`` is the replacement string, ``''`` to delete."""

    table: dict[str, str]
    version: str
    # Derived once per table (see ``fold``): the one-to-one replacements, applied with ``str.replace`` (whitespace
    # → space, A-Z → a-z included), and the characters whose replacement is not one character (deleted marks).
    pairs: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    irregular: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    fast: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        one: dict[str, str] = {chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}
        one.update((k, v) for k, v in self.table.items() if len(v) == 1)
        one.update((ws, " ") for ws in _WS)
        odd = sorted(k for k, v in self.table.items() if len(v) != 1 and k not in _WS)
        pairs = tuple((k, v) for k, v in one.items() if k != v)
        # str.replace in sequence equals a one-pass map only if no output is itself replaced, and the space
        # collapse is exact only if every space comes from whitespace; otherwise fold character by character.
        outputs = {v for _, v in pairs} | {ch for k in odd for ch in self.table[k]}
        fast = not (outputs & ({k for k, _ in pairs} | set(odd))) and not any(ch in _WS for k in odd
                                                                               for ch in self.table[k])
        object.__setattr__(self, "pairs", pairs)
        object.__setattr__(self, "irregular", re.compile("[" + "".join(map(re.escape, odd)) + "]") if odd else None)
        object.__setattr__(self, "fast", fast)

    @classmethod
    def load(cls, name: str = "charmap.json") -> CharMap:
        raw = json.loads(resources.files("marsad.data").joinpath(name).read_text(encoding="utf-8"))
        table: dict[str, str] = {}
        for group in raw["groups"]:
            for src, dst in group["map"].items():
                for ch in src:
                    table[ch] = dst
        return cls(table=table, version=raw["header"]["version"])


@cache
def default_charmap() -> CharMap:
    """The bundled charmap. Cached on first use; nothing is read at import time."""
    return CharMap.load()


@dataclass(frozen=True)
class Folded:
    """A folded view of ``original``. ``offsets[i]`` is the original index of folded character ``i``."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> Span:
        """Map a folded ``[start, end)`` to the original text."""
        if end <= start:
            o = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return Span(o, o)
        stop = self.offsets[end - 1] + 1
        original = self.original
        while stop < len(original) and _is_mark(original[stop]):
            stop += 1  # keep trailing diacritics/tatweel with their letter
        return Span(self.offsets[start], stop)

    def to_folded(self, pos: int) -> int:
        """The first folded index whose original offset is ``>= pos``."""
        inv = self.inverse
        return inv[pos] if 0 <= pos < len(inv) else bisect_left(self.offsets, pos)

    @cached_property
    def inverse(self) -> list[int]:
        """``to_folded`` for every original offset, built once per document (O(n)).

        Folding keeps long runs of consecutive offsets; only deletions, expansions and collapsed spaces
        break them. Each run maps back as one ``range`` and each deleted stretch as one repeated value, so
        the Python-level work is per run, not per character."""
        offs = self.offsets
        n = len(offs)
        inv: list[int] = []
        if not n:
            return [0] * (len(self.original) + 1)
        breaks = [k for k, a, b in zip(range(1, n), offs, offs[1:], strict=False) if b - a != 1]
        for j0, j1 in zip([0, *breaks], [*breaks, n], strict=True):
            o0 = offs[j0]
            if o0 > len(inv):  # deleted characters before the run map to the run's first folded index
                inv.extend([j0] * (o0 - len(inv)))
            inv.extend(range(j0 + len(inv) - o0, j1))  # (an expanded character's repeat is already mapped)
        inv.extend([n] * (len(self.original) + 1 - len(inv)))
        return inv


def _is_mark(ch: str) -> bool:
    return "\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640"


_WS = frozenset(" \t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_SPACES = re.compile(" {2,}")


def fold(text: str, charmap: CharMap | None = None) -> Folded:
    """Fold ``text`` for matching and keep the offset map.

    The one-to-one replacements run as ``str.replace`` over the whole text (offsets unchanged); the few
    deleted or expanded characters, and whitespace runs (one space at the run's first offset, none at the
    start or the end), are then handled by slices. ``fold_reference`` is the same function character by
    character; the two are tested equal.
    """
    cm = charmap or default_charmap()
    if not cm.fast:
        return fold_reference(text, cm)
    t = text
    for k, v in cm.pairs:
        if k in t:
            t = t.replace(k, v)
    offs: Sequence[int] = range(len(t))
    if cm.irregular is not None and cm.irregular.search(t) is not None:
        parts: list[str] = []
        kept: list[int] = []
        pos = 0
        for m in cm.irregular.finditer(t):
            i = m.start()
            rep = cm.table[t[i]]
            parts.append(t[pos:i])
            kept.extend(range(pos, i))
            if rep:
                parts.append(rep)
                kept.extend([i] * len(rep))
            pos = i + 1
        parts.append(t[pos:])
        kept.extend(range(pos, len(t)))
        t, offs = "".join(parts), kept
    if "  " in t:
        parts, kept, pos = [], [], 0
        for m in _SPACES.finditer(t):
            a = m.start() + 1
            parts.append(t[pos:a])
            kept.extend(offs[pos:a])
            pos = m.end()
        parts.append(t[pos:])
        kept.extend(offs[pos:])
        t, offs = "".join(parts), kept
    if t.startswith(" "):
        t, offs = t[1:], offs[1:]
    if t.endswith(" "):
        t, offs = t[:-1], offs[:-1]
    return Folded(original=text, text=t, offsets=tuple(offs))


def fold_reference(text: str, charmap: CharMap | None = None) -> Folded:
    """``fold`` character by character: the definition the fast version is tested against."""
    table = (charmap or default_charmap()).table
    out: list[str] = []
    offs: list[int] = []
    prev_space = True
    for i, ch in enumerate(text):
        if ch in _WS:
            if not prev_space:
                out.append(" ")
                offs.append(i)
                prev_space = True
            continue
        rep = table.get(ch)
        if rep is None:
            rep = ch.lower() if "A" <= ch <= "Z" else ch
        if not rep:
            continue
        for r in rep:
            out.append(r)
            offs.append(i)
        prev_space = False
    if out and out[-1] == " ":
        out.pop()
        offs.pop()
    return Folded(original=text, text="".join(out), offsets=tuple(offs))


def fold_text(text: str, charmap: CharMap | None = None) -> str:
    """Fold without the offset map (for lexicon entries and queries)."""
    return fold(text, charmap).text

"""Per-sentence view used by the frame builder: mentions by position, gaps in folded text."""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import attrgetter
from typing import Any

from marsad.model import ActorMention, PlaceMention, QuantityMention, Sentence, Span, TimeMention
from marsad.recognize.base import Analysis

AREA_KINDS = frozenset({"governorate", "region", "country", "river", "district", "subdistrict", "border"})
CONTAINER_CUE = re.compile(r"(?:^|\s)(?:و|ف)?(?:في|ب|بـ|ضمن|داخل|قرب|بالقرب من|شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|"
                           r"غربي|شمال غربي|شمال شرقي|جنوب غربي|جنوب شرقي|بمحافظه|بريف|محيط|اطراف|من)\s*$")
COORD_GAP = re.compile(r"^\s*(?:,|و|او|\s|\"|')*\s*$")


class SentenceView:
    """One sentence with its mentions, read by the frame builder. A working view inside the event stage
    (never stored or returned), built ~10 times per article and read in every inner loop: a plain slotted
    class, not a frozen dataclass, so building it and reading ``gap`` cost no descriptor calls."""

    __slots__ = ("_inv", "_last", "_text", "actors", "analysis", "memo", "places", "quantities", "sentence", "span",
                 "times")

    def __init__(self, analysis: Analysis, sentence: Sentence, actors: tuple[ActorMention, ...],
                 places: tuple[PlaceMention, ...], times: tuple[TimeMention, ...],
                 quantities: tuple[QuantityMention, ...]) -> None:
        f = analysis.folded
        self.analysis = analysis
        self.sentence = sentence
        self.actors = actors
        self.places = places
        self.times = times
        self.quantities = quantities
        self.span: Span = sentence.span
        self._text = f.text
        self._inv = f.inverse
        self._last = len(self._inv) - 1
        self.memo: dict[Any, Any] = {}  # per-sentence results of pure helpers

    def gap(self, a: int, b: int) -> str:
        """Folded text between two original offsets."""
        if b <= a:
            return ""
        last = self._last  # windows such as «start + 12» may run past the end of the text
        return self._text[self._inv[a if a < last else last] : self._inv[b if b < last else last]]

    def clause_of(self, pos: int) -> Span:
        for c in self.sentence.clauses:
            if c.start <= pos < c.end:
                return c
        return self.sentence.span

    def clause_index(self, pos: int) -> int:
        for i, c in enumerate(self.sentence.clauses):
            if c.start <= pos < c.end:
                return i
        return -1


_START = attrgetter("span.start")


def sentence_views(analysis: Analysis) -> list[SentenceView]:
    """Bucket the analysis's mentions by sentence: bisection over each list sorted by start (linear overall)."""
    lists: list[list[Any]] = [sorted(xs, key=_START) for xs in (
        analysis.actors, analysis.places, analysis.times, analysis.quantities)]
    starts = [[m.span.start for m in xs] for xs in lists]
    views = []
    for s in analysis.sentences:
        a, b = s.span.start, s.span.end
        parts = [tuple(xs[bisect_left(st, a) : bisect_left(st, b)]) for xs, st in zip(lists, starts, strict=True)]
        views.append(SentenceView(analysis, s, *parts))
    return views


def coordinated_group(view: SentenceView, places: list[PlaceMention], anchor: int, *,
                      before: bool) -> list[PlaceMention]:
    """The run of places joined by «و»/«،» that ends right before ``anchor`` (or starts right after it)."""
    if before:
        cands = [p for p in places if p.span.end <= anchor]
        group: list[PlaceMention] = []
        edge = anchor
        for p in reversed(cands):
            g = view.gap(p.span.end, edge)
            if group and not COORD_GAP.match(g):
                break
            if not group and len(g) > 40:
                break
            group.insert(0, p)
            edge = p.span.start
        return group
    cands = [p for p in places if p.span.start >= anchor]
    group = []
    edge = anchor
    for p in cands:
        g = view.gap(edge, p.span.start)
        if group and not COORD_GAP.match(g) and len(g) > 12:
            break
        group.append(p)
        edge = p.span.end
    return group


def prune_containers(view: SentenceView, places: list[PlaceMention]) -> list[PlaceMention]:
    """Drop containing areas («بريف حمص», «في محافظة إدلب») stated after a more specific place."""
    kept: list[PlaceMention] = []
    specific = any((p.kind or "") not in AREA_KINDS for p in places)
    prev_end: int | None = None
    for p in places:
        is_area = (p.kind or "") in AREA_KINDS
        lead = view.gap(p.span.start, min(p.span.end, p.span.start + 8))
        contained = lead.startswith(("بريف", "بمحافظ", "بمدين", "ببلد", "بالريف", "بشمال", "بجنوب", "بشرق", "بغرب"))
        cue = prev_end is not None and CONTAINER_CUE.search(view.gap(prev_end, p.span.start) + " ")
        if kept and (contained or cue):
            prev_end = p.span.end
            continue
        if kept and is_area and specific:
            prev_end = p.span.end
            continue
        if (p.kind or "") == "country" and len(places) > 1:
            prev_end = p.span.end
            continue
        kept.append(p)
        prev_end = p.span.end
    if specific:
        kept = [p for p in kept if (p.kind or "") not in AREA_KINDS] or kept
    return kept

"""Quantity facts: a recognised number with its metric, subject actor, scope, baseline and evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.events.context import SentenceView
from marsad.events.lexicon import CueMatch
from marsad.events.roles import first_of_group, is_named
from marsad.model import PlaceMention, Provenance, Quantity, QuantityMention, Span

_BASELINE = re.compile(r"(?:قبل|منذ|مقارنه\s+(?:ب|مع)|بعد)\s+[^,.;]{3,60}")
_SCOPE = re.compile(r"من\s+(?:مساحه|اجمالي|مجمل)\s+[^,.;%]{2,40}")
_CHANGE = re.compile(r"(?:ازداد|زاد|ارتفع|تراجع|انخفض|تقلص|بمعدل|بنسبه\s+تغير)")
_OF_AREA = re.compile(r"^\s*%?\s*(?:فقط\s+)?(?:من|في)\s+(?:\S+\s+)?$")
_BY_RATE = re.compile(r"(?:بنسبه|بما\s+نسبته|نسبته)\s*$")
_SUBJECT_METRICS = frozenset({"share_of_territory", "area_km2", "distance_km", "other", "fatalities", "injured",
                              "detained", "displaced"})


@dataclass(frozen=True)
class QuantityBuilder:
    extractor: str

    def build(self, view: SentenceView, q: QuantityMention, cues: list[CueMatch]) -> Quantity | None:
        if not q.metric:
            return None
        f = view.analysis.folded
        qs = f.to_folded(q.span.start)
        modality = "asserted"
        for c in cues:
            if c.start < qs and c.cue.scope == "rest" and c.cue.modality in ("hypothetical", "opinion"):
                modality = c.cue.modality
        clause = view.clause_of(q.span.start)
        start, end = clause.start, clause.end
        if q.span.start - start > 160:
            start = max(clause.start, q.span.start - 160)
        if end - q.span.end > 160:
            end = min(clause.end, q.span.end + 160)
        if end - start < 25:  # a very short clause: take its neighbour for context
            idx = view.clause_index(q.span.start)
            if idx > 0:
                start = view.sentence.clauses[idx - 1].start
        start, end = min(start, q.span.start), max(end, q.span.end)
        tail_at = f.to_folded(q.span.end)
        tail = f.text[tail_at : f.to_folded(end)]

        def original(m: re.Match[str] | None) -> str | None:  # scope and baseline as the text writes them
            return None if m is None else f.to_original(tail_at + m.start(), tail_at + m.end()).text(f.original)

        head = f.text[f.to_folded(start) : qs]
        baseline = _BASELINE.search(tail)
        scope = _SCOPE.search(tail)
        scope_place = self._scope_place(view, q) if q.metric == "share_of_territory" else None
        subject = self._subject(view, q)
        prov = Provenance(doc_id=view.analysis.document.id, span=Span(start, end), sentence=view.span,
                          extractor=self.extractor, confidence=0.7 if subject else 0.55)
        return Quantity(metric=q.metric, value=q.value, provenance=prov, unit=q.unit, subject=subject,
                        scope=original(scope) or (scope_place.surface if scope_place else None),
                        scope_place=scope_place, baseline=original(baseline),
                        hedge=q.hedge, is_change=bool(_CHANGE.search(head[-40:])),
                        modality=modality)  # type: ignore[arg-type]

    @staticmethod
    def _scope_place(view: SentenceView, q: QuantityMention) -> PlaceMention | None:
        """The place a share is of: «على مدينة القصير بنسبة 80%», «80% من مساحة محافظة دير الزور»."""
        after = [p for p in view.places if p.span.start >= q.span.end and p.span.start - q.span.end <= 30]
        if after and _OF_AREA.match(view.gap(q.span.end, after[0].span.start)):
            return after[0]
        before = [p for p in view.places if p.span.end <= q.span.start and q.span.start - p.span.end <= 25]
        if before and _BY_RATE.search(view.gap(before[-1].span.end, q.span.start)):
            return before[-1]
        return None

    @staticmethod
    def _subject(view: SentenceView, q: QuantityMention) -> str | None:
        if q.metric not in _SUBJECT_METRICS:
            return None
        before = [a for a in view.actors if a.span.end <= q.span.start and q.span.start - a.span.end <= 80]
        for a in reversed(before):
            if is_named(a):
                # «قوات النظام وحزب الله يسيطران … 80%»: the first of coordinated actors is the subject
                return first_of_group(view, before, a).actor_id
        after = [a for a in view.actors if a.span.start >= q.span.end and a.span.start - q.span.end <= 20]
        for a in after:
            if is_named(a):
                return a.actor_id
        return None

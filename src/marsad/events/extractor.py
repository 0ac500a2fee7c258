"""The event stage: turns a fully recognised ``Analysis`` into an ``ExtractionResult``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marsad.events.context import sentence_views
from marsad.events.frames import DocState, FrameBuilder
from marsad.events.lexicon import ModalityLexicon, TriggerLexicon, TriggerMatch
from marsad.events.quantities import QuantityBuilder
from marsad.events.roles import is_named
from marsad.model import ExtractionResult, Quantity
from marsad.recognize.base import Analysis
from marsad.settings import Settings
from marsad.version import EXTRACTOR_VERSION


@dataclass(frozen=True)
class EventExtractor:
    """Pure and picklable: lexicons are compiled once by ``make_event_extractor``."""

    triggers: TriggerLexicon
    modality: ModalityLexicon
    frames: FrameBuilder
    quantities: QuantityBuilder
    include_suppressed: bool = False
    name: str = "events"

    def __call__(self, analysis: Analysis) -> ExtractionResult:
        f = analysis.folded
        all_matches = list(self.triggers.finditer(f.text))
        views = sentence_views(analysis)
        state = DocState()
        quantities: list[Quantity] = []
        suppressed_q: list[Quantity] = []
        mi = 0
        for view in views:
            fs, fe = f.to_folded(view.span.start), f.to_folded(view.span.end)
            while mi < len(all_matches) and all_matches[mi].start < fs:
                mi += 1
            matches: list[TriggerMatch] = []
            j = mi
            while j < len(all_matches) and all_matches[j].start < fe:
                matches.append(all_matches[j])
                j += 1
            if view.sentence.chrome:
                continue
            if matches:
                self.frames.sentence(view, matches, state)
            if view.quantities:
                cues = self.modality.find(f.text, fs, fe)
                for q in view.quantities:
                    fact = self.quantities.build(view, q, cues)
                    if fact is not None:
                        (quantities if fact.modality == "asserted" else suppressed_q).append(fact)
        chrome = [s.span for s in analysis.sentences if s.chrome]
        actor_ids: list[str] = []
        for a in analysis.actors:
            if not is_named(a) or a.kind == "foreign" or any(c.contains(a.span) for c in chrome):
                continue
            if a.actor_id not in actor_ids:
                actor_ids.append(a.actor_id)
        suppressed: tuple[Any, ...] = (*state.suppressed, *suppressed_q)
        return ExtractionResult(
            document=analysis.document, sentences=analysis.sentences, actors=analysis.actors,
            places=analysis.places, times=analysis.times, events=tuple(state.events),
            control=tuple(state.control), sieges=tuple(state.sieges), quantities=_dedupe(quantities),
            suppressed=suppressed, warnings=analysis.warnings, actor_ids=tuple(actor_ids))


def _dedupe(qs: list[Quantity]) -> tuple[Quantity, ...]:
    seen: set[tuple[str, float, str | None]] = set()
    out = []
    for q in qs:
        key = (q.metric, q.value, q.subject)
        if key in seen:
            continue
        seen.add(key)
        out.append(q)
    return tuple(out)


def make_event_extractor(*, registry: object | None = None, settings: Settings | None = None) -> EventExtractor:
    settings = settings or Settings()
    return EventExtractor(
        triggers=TriggerLexicon.load(settings.lexicon_dir),
        modality=ModalityLexicon.load(settings.lexicon_dir),
        frames=FrameBuilder(modality=ModalityLexicon.load(settings.lexicon_dir), extractor=EXTRACTOR_VERSION),
        quantities=QuantityBuilder(extractor=EXTRACTOR_VERSION),
        include_suppressed=settings.include_suppressed,
    )

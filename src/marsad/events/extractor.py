"""The event stage: turns a fully recognised ``Analysis`` into an ``ExtractionResult``."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from marsad.events.context import sentence_views
from marsad.events.frames import DocState, FrameBuilder
from marsad.events.lexicon import CueMatch, ModalityLexicon, TriggerLexicon, TriggerMatch
from marsad.events.prefilter import words_of
from marsad.events.quantities import QuantityBuilder
from marsad.events.roles import is_named
from marsad.model import ExtractionResult, Quantity, Sentence
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
        words = words_of(f.text)
        all_matches = self.triggers.scan(f.text, words)
        all_cues = self.modality.scan(f.text, words)
        cue_starts = [c.start for c in all_cues]

        def cues_in(fs: int, fe: int) -> list[CueMatch]:
            return all_cues[bisect_left(cue_starts, fs) : bisect_left(cue_starts, fe)]

        views = sentence_views(analysis)
        state = DocState()
        quantities: list[Quantity] = []
        suppressed_q: list[Quantity] = []
        mi = 0
        per_view: list[list[TriggerMatch]] = []
        for view in views:
            fs, fe = f.to_folded(view.span.start), f.to_folded(view.span.end)
            while mi < len(all_matches) and all_matches[mi].start < fs:
                mi += 1
            matches: list[TriggerMatch] = []
            j = mi
            while j < len(all_matches) and all_matches[j].start < fe:
                matches.append(all_matches[j])
                j += 1
            per_view.append(matches)
        # Headlines and summary bullets restate the body: read the body first, so that an event keeps the
        # evidence of the body sentence that reports it, and the lead only adds what the body lacks.
        leads = lead_sentences(analysis.text, [v.sentence for v in views])
        order = [i for i in range(len(views)) if i not in leads] + sorted(leads)
        for i in order:
            view, matches = views[i], per_view[i]
            if view.sentence.chrome:
                continue
            if i in leads and state.last_agent is not None and i == order[len(order) - len(leads)]:
                state.last_agent = None
            if matches:
                before = len(state.events)
                body_types = {e.type for e in state.events} if i in leads else set()
                vs = f.to_folded(view.span.start)
                self.frames.sentence(view, matches, state, cues=cues_in(vs, f.to_folded(view.span.end)))
                if i in leads:  # a headline adds only what the body does not report at all
                    state.events[before:] = [e for e in state.events[before:] if e.type not in body_types]
        for view in views:
            if view.sentence.chrome:
                continue
            fs, fe = f.to_folded(view.span.start), f.to_folded(view.span.end)
            if view.quantities:
                cues = cues_in(fs, fe)
                for q in view.quantities:
                    fact = self.quantities.build(view, q, cues)
                    if fact is not None:
                        (quantities if fact.modality == "asserted" else suppressed_q).append(fact)
        chrome_at = {v.sentence.span.start for v in views if v.sentence.chrome}
        not_taking_part = {id(a) for v in views if v.sentence.span.start in chrome_at for a in v.actors}
        for v in views:  # actors named only inside a hypothetical or an opinion do not take part
            for c in cues_in(f.to_folded(v.span.start), f.to_folded(v.span.end)):
                if c.cue.scope == "rest" and c.cue.modality in ("hypothetical", "opinion"):
                    at = f.offsets[c.start] if c.start < len(f.offsets) else v.span.end
                    not_taking_part.update(id(a) for a in v.actors if a.span.start >= at)
                    break
        actor_ids: list[str] = []
        for a in analysis.actors:
            if not is_named(a) or a.kind == "foreign" or id(a) in not_taking_part or a.confidence < _SOURCE_ONLY:
                continue  # (an actor only cited as a source, «بحسب الأمم المتحدة», does not take part)
            if a.actor_id not in actor_ids:
                actor_ids.append(a.actor_id)
        suppressed: tuple[Any, ...] = (*state.suppressed, *suppressed_q)
        return ExtractionResult(
            document=analysis.document, sentences=analysis.sentences, actors=analysis.actors,
            places=analysis.places, times=analysis.times, events=tuple(state.events),
            control=tuple(state.control), sieges=tuple(state.sieges), quantities=_dedupe(quantities),
            suppressed=suppressed, warnings=analysis.warnings, actor_ids=tuple(actor_ids))


_TERMINAL = ".!?؟:…\"»”)"
_SOURCE_ONLY = 0.45  # actor mentions below this confidence are cited sources (see recognize/actors.py)


def lead_sentences(text: str, sentences: list[Sentence]) -> set[int]:
    """Indexes of lead sentences: a title (the first line, unpunctuated and short) and «ملخص» bullets."""
    leads: set[int] = set()
    body = [i for i, s in enumerate(sentences) if not s.chrome]
    if body:
        first = sentences[body[0]]
        line_end = text.find("\n", first.span.start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[first.span.start : line_end].strip()
        if line and line[-1] not in _TERMINAL and len(line) < 200 and first.span.end <= line_end and len(body) > 1:
            leads.add(body[0])
    m = text.find("ملخص")
    if m >= 0:
        for i, s in enumerate(sentences):
            if s.span.start > m and s.span.start - m < 800:
                prefix = text[text.rfind("\n", 0, s.span.start) + 1 : s.span.start].strip()
                if prefix.startswith(("-", "•", "*")):
                    leads.add(i)
                elif leads and i > min(leads) + 1 and not prefix:
                    break
    # a lead repeated word for word in the body is read where it first stands (quoted evidence is found there)
    return {i for i in leads
            if text.find(text[sentences[i].span.start : sentences[i].span.end].rstrip(".،, "),
                         sentences[i].span.end) < 0}


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
        frames=FrameBuilder(extractor=EXTRACTOR_VERSION),
        quantities=QuantityBuilder(extractor=EXTRACTOR_VERSION),
        include_suppressed=settings.include_suppressed,
    )

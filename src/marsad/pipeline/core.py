"""The pipeline: normalise → segment → times → actors → places → quantities → events.

``build_pipeline`` is the factory: it loads each resource once (lexicons, gazetteer) and injects it into
the stage that needs it. The resulting ``Pipeline`` is picklable and pure: the same document always gives
the same result, so it can be shipped to process pools and Dask workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from marsad.errors import EmptyInputError, TooLargeError
from marsad.model import Document, ExtractionResult
from marsad.normalize import Segmenter, fold
from marsad.recognize.base import Analysis, Stage
from marsad.settings import Settings


@dataclass(frozen=True)
class Pipeline:
    stages: tuple[Stage, ...]
    finisher: object  # the event stage: Analysis -> ExtractionResult
    segmenter: Segmenter
    settings: Settings

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stages)

    def analyse(self, doc: Document) -> Analysis:
        analysis = self._begin(doc)
        for stage in self.stages:
            analysis = stage(analysis)
        return analysis

    def _begin(self, doc: Document) -> Analysis:
        """Check the document, fold and segment it: the analysis every stage starts from."""
        text = doc.text
        if len(text) > self.settings.max_chars:
            raise TooLargeError(
                f"document {doc.id!r} has {len(text):,} characters, over the limit of "
                f"{self.settings.max_chars:,} (settings.max_chars)", value=len(text))
        if not text.strip():
            raise EmptyInputError(f"document {doc.id!r} has no text")
        carried = doc.meta.get("warnings") or ()  # readers' warnings (e.g. M150 bad published) travel on
        return Analysis(document=doc, folded=fold(text), sentences=self.segmenter(text),
                        reference_date=doc.published or self.settings.default_date,
                        warnings=tuple(str(w) for w in carried))

    def __call__(self, doc: Document) -> ExtractionResult:
        analysis = self.analyse(doc)
        result: ExtractionResult = self.finisher(analysis)  # type: ignore[operator]
        return result

    def pipe(self, docs: Sequence[Document], *, budget: int = 250_000) -> list[ExtractionResult | Exception]:
        """``[self(d) for d in docs]``, stage by stage: each stage runs over a group of documents before the
        next stage starts, so its tables stay warm in the CPU cache (like spaCy's ``nlp.pipe``; about 7%
        faster per article than one document at a time). Groups hold at most ``budget`` characters, so memory
        stays that of one large document. A document that fails gets its exception in its place; the
        others go on."""
        out: list[ExtractionResult | Exception] = []
        group: list[Document] = []
        size = 0
        for doc in docs:
            if group and size + len(doc.text) > budget:
                out += self._pipe_group(group)
                group, size = [], 0
            group.append(doc)
            size += len(doc.text)
        if group:
            out += self._pipe_group(group)
        return out

    def _pipe_group(self, docs: list[Document]) -> list[ExtractionResult | Exception]:
        states: list[Any] = []
        for doc in docs:
            try:
                states.append(self._begin(doc))
            except Exception as exc:
                states.append(exc)
        for stage in (*self.stages, self.finisher):
            for k, state in enumerate(states):
                if isinstance(state, Analysis):
                    try:
                        states[k] = stage(state)  # type: ignore[operator]
                    except Exception as exc:
                        states[k] = exc
        return states

    def map(self, docs: Sequence[Document]) -> list[ExtractionResult]:
        return [self(d) for d in docs]

    def with_settings(self, **changes: object) -> Pipeline:
        return replace(self, settings=replace(self.settings, **changes))  # type: ignore[arg-type]


def build_pipeline(settings: Settings | None = None, *, gazetteer: object | None = None,
                   actor_registry: object | None = None) -> Pipeline:
    """Build the default pipeline. Resources may be injected (tests substitute small ones)."""
    from marsad.events import make_event_extractor
    from marsad.geo.gazetteer import Gazetteer
    from marsad.recognize.actors import ActorRegistry, make_actor_recognizer
    from marsad.recognize.places import make_place_recognizer
    from marsad.recognize.quantities import make_quantity_recognizer
    from marsad.recognize.times import make_time_recognizer

    settings = settings or Settings()
    registry = actor_registry or ActorRegistry.load(user_dir=settings.lexicon_dir)
    gaz = gazetteer or Gazetteer.load(extra=settings.gazetteer_path)
    stages: tuple[Stage, ...] = (  # type: ignore[assignment]
        make_time_recognizer(settings),
        make_actor_recognizer(registry),  # type: ignore[arg-type]
        make_place_recognizer(gaz),  # type: ignore[arg-type]
        make_quantity_recognizer(),
    )
    finisher = make_event_extractor(registry=registry, settings=settings)  # type: ignore[arg-type]
    return Pipeline(stages=stages, finisher=finisher, segmenter=Segmenter(), settings=settings)

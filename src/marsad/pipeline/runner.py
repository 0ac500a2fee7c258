"""Run a pipeline over a stream of documents. One bad document never sinks the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from marsad.errors import MarsadError
from marsad.ingest.base import Item, Rejection
from marsad.model import Document, ExtractionResult


@dataclass(frozen=True)
class Processed:
    result: ExtractionResult


Outcome = Processed | Rejection


def process_one(pipeline: Callable[[Document], ExtractionResult], doc: Document) -> Outcome:
    """Extract one document; any failure becomes a ``Rejection`` with a code and a reason."""
    try:
        return Processed(pipeline(doc))
    except MarsadError as exc:
        return Rejection.from_error(exc, source=str(doc.meta.get("source") or doc.id), doc_id=doc.id)
    except RecursionError:
        return Rejection(source=str(doc.meta.get("source") or doc.id), doc_id=doc.id, code="M104",
                         reason="document too deeply structured to process")
    except Exception as exc:  # a bug in marsad: report it, keep the batch going
        return Rejection(source=str(doc.meta.get("source") or doc.id), doc_id=doc.id, code="M000",
                         reason=f"internal error ({type(exc).__name__}: {exc}); please report it")


@dataclass(frozen=True)
class Prefetched:
    """An extractor whose results for a batch were computed in one ``Pipeline.pipe`` call (stage by stage):
    called with one of the batch's documents it gives that result, or raises that document's error; any
    other document goes to the pipeline. Tasks that extract every item of a batch run through it."""

    pipeline: Callable[[Document], ExtractionResult]
    results: dict[int, ExtractionResult | Exception]  # by id() of the batch's documents, alive with the batch

    def __call__(self, doc: Document) -> ExtractionResult:
        found = self.results.get(id(doc))
        if found is None:
            return self.pipeline(doc)
        if isinstance(found, Exception):
            raise found
        return found


def prefetched(pipeline: Callable[[Document], ExtractionResult],
               items: Sequence[Item]) -> Callable[[Document], ExtractionResult]:
    """``pipeline``, with the results of ``items``' documents computed at once when it can (``pipe``)."""
    pipe = getattr(pipeline, "pipe", None)
    docs = [i for i in items if isinstance(i, Document)]
    if pipe is None or len(docs) < 2:
        return pipeline
    return Prefetched(pipeline, dict(zip(map(id, docs), pipe(docs), strict=True)))


def run_items(pipeline: Callable[[Document], ExtractionResult], items: Iterable[Item]) -> Iterator[Outcome]:
    """Process readers' output in order: documents are extracted, rejections pass through."""
    for item in items:
        if isinstance(item, Rejection):
            yield item
        else:
            yield process_one(pipeline, item)

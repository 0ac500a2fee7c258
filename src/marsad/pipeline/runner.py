"""Run a pipeline over a stream of documents. One bad document never sinks the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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


def run_items(pipeline: Callable[[Document], ExtractionResult], items: Iterable[Item]) -> Iterator[Outcome]:
    """Process readers' output in order: documents are extracted, rejections pass through."""
    for item in items:
        if isinstance(item, Rejection):
            yield item
        else:
            yield process_one(pipeline, item)

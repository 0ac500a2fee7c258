"""Query parameters shared by the event endpoints, parsed into an ``EventQuery``."""


import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from fastapi import Query

from marsad.api.backend import EventQuery
from marsad.api.config import ApiConfig
from marsad.api.errors import api_error
from marsad.model.facts import EVENT_TYPES

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_DATE_RE = re.compile(DATE_PATTERN)


def _multi(values: list[str]) -> tuple[str, ...]:
    """Repeated parameters and comma-separated lists both work: ``?actor=a&actor=b`` or ``?actor=a,b``."""
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return tuple(dict.fromkeys(out))


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    parts = value.split(",")
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise api_error(400, f"bbox must be 'west,south,east,north' in degrees, got {value!r}") from None
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90 and w <= e):
        raise api_error(400, f"bbox out of range or inverted: {value!r}", detail={"bbox": value})
    return (w, s, e, n)


def parse_day(value: str | None, *, name: str = "date") -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise api_error(400, f"{name} must be YYYY-MM-DD, got {value!r}") from None


def check_date_prefix(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not _DATE_RE.match(value):
        raise api_error(400, f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


def event_filters(config: ApiConfig) -> Callable[..., EventQuery]:
    """A FastAPI dependency that reads the event filters (page size bounded by ``config``)."""

    def dependency(
        date_from: Annotated[str | None, Query(description="First date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD")]
        = None,
        date_to: Annotated[str | None, Query(description="Last date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD")]
        = None,
        actor: Annotated[list[str] | None, Query(description="Actor id(s), either side (repeat or comma-separate)")]
        = None,
        type: Annotated[list[str] | None, Query(description="Event type(s)")] = None,
        governorate: Annotated[list[str] | None, Query(description="Governorate name(s) in English")] = None,
        bbox: Annotated[str | None, Query(description="west,south,east,north in degrees")] = None,
        q: Annotated[str | None, Query(max_length=200, description="Text to find in the evidence sentence")] = None,
        min_sources: Annotated[int, Query(ge=1, le=1000, description="At least this many sources")] = 1,
        doc_id: Annotated[str | None, Query(description="Only events from this document")] = None,
        limit: Annotated[int, Query(ge=1, le=config.max_page_size, description="Page size")]
        = config.default_page_size,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> EventQuery:
        types = _multi(type or [])
        bad = [t for t in types if t not in EVENT_TYPES]
        if bad:
            raise api_error(400, f"unknown event type(s): {', '.join(bad)}", detail={"allowed": list(EVENT_TYPES)})
        return EventQuery(
            date_from=check_date_prefix(date_from, "date_from"), date_to=check_date_prefix(date_to, "date_to"),
            actors=_multi(actor or []), types=types, governorates=_multi(governorate or []),
            bbox=parse_bbox(bbox), text=(q or "").strip() or None, min_sources=min_sources, doc_id=doc_id,
            limit=limit, offset=offset)

    return dependency

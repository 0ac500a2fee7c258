"""Standard exports of stored events: ACLED CSV, GeoJSON, PLOVER JSON and marsad JSONL.

Each writer takes an iterable of ``ExportEvent`` (an ``Event`` plus its source context) and a text
stream, and returns the number of records written::

    from marsad.export import write_export
    with open("events.csv", "w", encoding="utf-8", newline="") as fp:
        write_export("acled", events, fp, actors=registry)

The API's ``/api/export`` and ``marsad export`` both go through ``write_export``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from marsad.errors import ConfigError
from marsad.export.records import ActorLookup, ExportEvent

FORMATS: dict[str, tuple[str, str]] = {
    # name: (media type, file extension)
    "acled": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "plover": ("application/json", "json"),
    "jsonl": ("application/x-ndjson", "jsonl"),
}


def write_export(fmt: str, events: Iterable[ExportEvent], fp: TextIO, *, actors: ActorLookup | None = None) -> int:
    """Write ``events`` in format ``fmt`` (one of ``FORMATS``) to ``fp``; returns the record count."""
    if fmt == "acled":
        from marsad.export.acled import write_acled

        return write_acled(events, fp, actors=actors)
    if fmt == "geojson":
        from marsad.export.geojson import event_feature, write_geojson

        return write_geojson((event_feature(e) for e in events), fp)
    if fmt == "plover":
        from marsad.export.plover import write_plover

        return write_plover(events, fp, actors=actors)
    if fmt == "jsonl":
        from marsad.export.jsonl import write_jsonl

        return write_jsonl(events, fp)
    raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}", value=fmt)


__all__ = ["FORMATS", "ActorLookup", "ExportEvent", "write_export"]

"""What the exports read: one stored event with its source context, and the lookups they use.

``ExportEvent`` is an ``Event`` (a model record) plus what a file needs beyond it: a stable id, the
document it came from, the exact evidence text and the number of corroborating sources. The store's
rows are turned into ``ExportEvent`` by ``marsad.api.backend``; tests build them by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from marsad.model.base import Record
from marsad.model.facts import Event
from marsad.recognize.lexicon import load_table, split_multi


@dataclass(frozen=True, slots=True)
class ExportEvent(Record):
    """One stored event, ready to be written.

    ``evidence`` is the exact text of ``event.provenance.span`` in the document; ``sentence`` the text
    of ``event.provenance.sentence``. ``sources`` counts the documents that report the same event
    (1 = uncorroborated). ``added`` is the Unix time the event was stored (ACLED's ``timestamp``).
    """

    id: str
    event: Event
    doc_id: str
    evidence: str
    sentence: str = ""
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    sources: int = 1
    added: int = 0

    @property
    def date(self) -> str | None:
        """The event's own date, else the document's publication date (then marked by ``date_from_published``)."""
        return self.event.date or self.published

    @property
    def date_from_published(self) -> bool:
        return self.event.date is None and self.published is not None

    @property
    def sentence_offset(self) -> int:
        """Offset of the evidence inside ``sentence`` (``-1`` when the sentence is not known)."""
        p = self.event.provenance
        if not self.sentence:
            return -1
        return p.span.start - p.sentence.start


class ActorInfo(Protocol):
    """What the exports read from an actor registry entry (``marsad.recognize.actors``)."""

    @property
    def name_en(self) -> str: ...

    @property
    def acled_name(self) -> str: ...

    @property
    def inter_code(self) -> Any: ...


class ActorLookup(Protocol):
    def get(self, actor_id: str) -> ActorInfo | None: ...


@dataclass(frozen=True, slots=True)
class TypeCrosswalk:
    """How one marsad event type maps to ACLED and PLOVER (``data/event_crosswalk.tsv``)."""

    marsad_type: str
    disorder_type: str
    event_type: str
    sub_event_type: str
    plover_event: str | None
    plover_mode: str | None
    plover_context: tuple[str, ...]
    civilian_targeting: str


@cache
def crosswalk() -> dict[str, TypeCrosswalk]:
    """The event-type crosswalk, loaded once."""
    out: dict[str, TypeCrosswalk] = {}
    for row in load_table("event_crosswalk.tsv").rows:
        pe = row["plover_event"]
        out[row["marsad_type"]] = TypeCrosswalk(
            marsad_type=row["marsad_type"], disorder_type=row["disorder_type"], event_type=row["event_type"],
            sub_event_type=row["sub_event_type"], plover_event=None if pe in ("", "-") else pe,
            plover_mode=row["plover_mode"] or None, plover_context=split_multi(row["plover_context"]),
            civilian_targeting=row["civilian_targeting"])
    return out


def crosswalk_for(event_type: str) -> TypeCrosswalk:
    table = crosswalk()
    return table.get(event_type) or table["other"]


@cache
def plover_actor_codes() -> dict[str, tuple[str, str]]:
    """``actor_id -> (code, sector)`` for PLOVER actor objects."""
    return {r["actor_id"]: (r["code"], r["sector"]) for r in load_table("plover_actor_codes.tsv").rows}


def padded_date(value: str | None) -> str:
    """A full ``YYYY-MM-DD`` for a date of any precision: mid-month for a month, 1 July for a year."""
    if not value:
        return ""
    if len(value) >= 10:
        return value[:10]
    if len(value) == 7:
        return f"{value}-15"
    if len(value) == 4:
        return f"{value}-07-01"
    return value


def year_of(value: str | None) -> int | None:
    if value and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def unix_now() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp())

#!/usr/bin/env python3
"""Check a folder of gold-annotated articles against the schema and conventions of the eval README.

Usage::

    python tools/validate_gold.py DIR [DIR ...]

Each ``*.json`` file in DIR must hold one article::

    {"id", "url", "outlet", "published", "truncated", "text",
     "gold": {"actors", "places", "events", "control", "sieges", "quantities"}}

Checked: the exact key sets and value types; every place surface and every evidence string is an exact substring of
``text``; event types, actor ids, metrics, place kinds and siege statuses come from the allowed lists; governorates
use the canonical English names; records name their place by a ``name_en`` listed in ``places``; dates are real
calendar dates in the allowed shapes; every actor used by a record is listed in ``gold.actors``; Assad-era and
transitional-government ids are not used on the wrong side of 8 December 2024.

Prints one line per problem and exits 1 when there are problems, 0 otherwise. ``validate_dir`` returns the problems
as ``Problem`` records for use from tests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVENT_TYPES = frozenset({
    "armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory", "air_drone_strike",
    "shelling_artillery_missile", "remote_explosive_ied", "suicide_bomb", "chemical_weapon", "attack_on_civilians",
    "abduction", "peaceful_protest", "protest_with_intervention", "agreement", "non_violent_transfer_of_territory",
    "headquarters_or_base_established", "arrests", "looting_property_destruction", "siege_imposed", "siege_broken",
    "withdrawal", "reinforcement", "evacuation", "negotiation", "other",
})
ACTOR_IDS = frozenset({
    "syria_government_assad", "syria_government_transitional", "pro_assad_militias", "assad_remnants",
    "islamic_state", "sdf", "ypg", "syrian_opposition", "syrian_national_army", "hts", "nusra_front",
    "jaysh_al_islam", "bedouin_tribal_fighters", "druze_armed_groups", "russia", "iran", "hezbollah",
    "united_states", "us_led_coalition", "turkey", "israel", "jordan", "iraq", "civilians", "protesters", "un",
})
METRICS = frozenset({
    "share_of_territory", "area_km2", "fatalities", "injured", "displaced", "besieged_civilians", "detained",
    "distance_km", "other",
})
PLACE_KINDS = frozenset({
    "governorate", "district", "subdistrict", "city", "town", "village", "neighbourhood", "airbase", "military_base",
    "oil_gas_field", "mine", "border_crossing", "road", "mountain", "river", "region", "country",
})
SIEGE_STATUSES = frozenset({"imposed", "ongoing", "broken", "lifted_by_deal"})
GOVERNORATES = frozenset({
    "Damascus", "Rif Dimashq", "Aleppo", "Homs", "Hama", "Latakia", "Tartus", "Idlib", "Raqqa", "Deir ez-Zor",
    "Hasakah", "Daraa", "Suwayda", "Quneitra",
})

ARTICLE_KEYS = frozenset({"id", "url", "outlet", "published", "truncated", "text", "gold"})
GOLD_KEYS = frozenset({"actors", "places", "events", "control", "sieges", "quantities"})
PLACE_KEYS = frozenset({"surface", "name_en", "kind", "governorate"})
EVENT_KEYS = frozenset({"type", "actor1", "actor2", "place", "date", "fatalities", "evidence"})
CONTROL_KEYS = frozenset({"place", "controller", "previous", "evidence"})
SIEGE_KEYS = frozenset({"place", "besieger", "besieged", "status", "since", "evidence"})
QUANTITY_KEYS = frozenset({"subject", "metric", "value", "scope", "evidence"})

FALL_OF_ASSAD = dt.date(2024, 12, 8)
MAX_EVIDENCE = 400  # the scorer only matches predicted spans up to 400 characters; gold clauses are far shorter
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One violation: the file, where in it (a JSON path) and what is wrong."""

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class _Checker:
    """Collects problems for one article."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, message))

    def keys(self, where: str, obj: object, expected: frozenset[str]) -> bool:
        if not isinstance(obj, dict):
            self.add(where, f"expected an object, got {type(obj).__name__}")
            return False
        missing, extra = expected - obj.keys(), obj.keys() - expected
        if missing:
            self.add(where, f"missing keys {sorted(missing)}")
        if extra:
            self.add(where, f"unexpected keys {sorted(extra)}")
        return not missing

    def actor(self, where: str, value: object, *, nullable: bool) -> None:
        if value is None:
            if not nullable:
                self.add(where, "actor id is required")
            return
        if value not in ACTOR_IDS:
            self.add(where, f"unknown actor id {value!r}")

    def evidence(self, where: str, value: object, text: str) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(where, "evidence must be a non-empty string")
            return
        if value not in text:
            self.add(where, f"evidence is not a substring of text: {value[:60]!r}")
        if len(value) > MAX_EVIDENCE:
            self.add(where, f"evidence is {len(value)} characters (> {MAX_EVIDENCE}); use the shortest clause")
        if value != value.strip():
            self.add(where, "evidence has leading or trailing whitespace")


def _parse_date(value: str) -> dt.date | None:
    """The first day of the period a gold date names, or None if it is not a real date."""
    try:
        if _DAY.match(value):
            return dt.date.fromisoformat(value)
        if _MONTH.match(value):
            return dt.date.fromisoformat(value + "-01")
    except ValueError:
        return None
    return None


def _era_problem(actor: object, date: dt.date | None) -> str | None:
    if date is None:
        return None
    if actor == "syria_government_assad" and date > FALL_OF_ASSAD:
        return f"syria_government_assad on {date}, after 8 Dec 2024 (use syria_government_transitional)"
    if actor in ("syria_government_transitional", "assad_remnants") and date < FALL_OF_ASSAD.replace(day=1):
        return f"{actor} on {date}, before December 2024"
    return None


def validate_article(art: object, *, file: str) -> list[Problem]:
    """All problems of one parsed article."""
    ck = _Checker(file)
    if not ck.keys("$", art, ARTICLE_KEYS):
        return ck.problems
    assert isinstance(art, dict)
    text = art["text"]
    if not isinstance(text, str) or not text.strip():
        ck.add("$.text", "text must be a non-empty string")
        return ck.problems
    stem = Path(file).stem
    if not isinstance(art["id"], str) or not art["id"]:
        ck.add("$.id", "id must be a non-empty string")
    elif art["id"] != stem:
        ck.add("$.id", f"id {art['id']!r} differs from the file name {stem!r}")
    for key in ("url",):
        if art[key] is not None and not isinstance(art[key], str):
            ck.add(f"$.{key}", "must be a string or null")
    if not isinstance(art["outlet"], str) or not art["outlet"].strip():
        ck.add("$.outlet", "outlet must be a non-empty string")
    if not isinstance(art["truncated"], bool):
        ck.add("$.truncated", "truncated must be true or false")
    published = art["published"]
    if published is not None and (not isinstance(published, str) or not _DAY.match(published)
                                  or _parse_date(published) is None):
        ck.add("$.published", f"published must be YYYY-MM-DD or null, got {published!r}")

    gold = art["gold"]
    if not ck.keys("$.gold", gold, GOLD_KEYS):
        return ck.problems
    assert isinstance(gold, dict)
    for key in GOLD_KEYS:
        if not isinstance(gold[key], list):
            ck.add(f"$.gold.{key}", "must be a list")
            return ck.problems

    actors = gold["actors"]
    for i, a in enumerate(actors):
        ck.actor(f"$.gold.actors[{i}]", a, nullable=False)
    if len(set(map(str, actors))) != len(actors):
        ck.add("$.gold.actors", "duplicate actor ids")
    listed = set(actors)

    names: set[str] = set()
    surfaces: set[str] = set()
    for i, pl in enumerate(gold["places"]):
        where = f"$.gold.places[{i}]"
        if not ck.keys(where, pl, PLACE_KEYS):
            continue
        surface, name = pl["surface"], pl["name_en"]
        if not isinstance(surface, str) or not surface.strip():
            ck.add(where, "surface must be a non-empty string")
        else:
            if surface not in text:
                ck.add(where, f"surface {surface!r} is not a substring of text")
            if surface != surface.strip():
                ck.add(where, f"surface {surface!r} has leading or trailing whitespace")
            if surface in surfaces:
                ck.add(where, f"surface {surface!r} listed twice")
            surfaces.add(surface)
        if not isinstance(name, str) or not name.strip():
            ck.add(where, "name_en must be a non-empty string")
        elif name in names:
            ck.add(where, f"name_en {name!r} listed twice (one entry per place)")
        else:
            names.add(name)
        if pl["kind"] not in PLACE_KINDS:
            ck.add(where, f"unknown kind {pl['kind']!r}")
        gov = pl["governorate"]
        if gov is not None and gov not in GOVERNORATES:
            ck.add(where, f"governorate {gov!r} is not one of the canonical names")
        if pl["kind"] == "governorate" and gov is None:
            ck.add(where, "a governorate place needs its governorate")

    def place_ref(where: str, value: object, *, nullable: bool) -> None:
        if value is None:
            if not nullable:
                ck.add(where, "place is required")
        elif value not in names:
            ck.add(where, f"place {value!r} is not a name_en in places")

    def used(where: str, actor: object) -> None:
        if actor is not None and actor in ACTOR_IDS and actor not in listed:
            ck.add(where, f"actor {actor!r} is used but not listed in gold.actors")

    for i, ev in enumerate(gold["events"]):
        where = f"$.gold.events[{i}]"
        if not ck.keys(where, ev, EVENT_KEYS):
            continue
        if ev["type"] not in EVENT_TYPES:
            ck.add(where, f"unknown event type {ev['type']!r}")
        ck.actor(where + ".actor1", ev["actor1"], nullable=False)
        ck.actor(where + ".actor2", ev["actor2"], nullable=True)
        used(where + ".actor1", ev["actor1"])
        used(where + ".actor2", ev["actor2"])
        if ev["actor1"] is not None and ev["actor1"] == ev["actor2"]:
            ck.add(where, "actor1 and actor2 are the same")
        place_ref(where + ".place", ev["place"], nullable=True)
        date = ev["date"]
        when: dt.date | None = None
        if date is not None:
            when = _parse_date(date) if isinstance(date, str) else None
            if when is None:
                ck.add(where + ".date", f"date must be YYYY-MM-DD, YYYY-MM or null, got {date!r}")
        for actor in (ev["actor1"], ev["actor2"]):
            msg = _era_problem(actor, when)
            if msg:
                ck.add(where, msg)
        fat = ev["fatalities"]
        if fat is not None and (isinstance(fat, bool) or not isinstance(fat, int) or fat < 0):
            ck.add(where + ".fatalities", f"fatalities must be a non-negative integer or null, got {fat!r}")
        ck.evidence(where + ".evidence", ev["evidence"], text)

    for i, cf in enumerate(gold["control"]):
        where = f"$.gold.control[{i}]"
        if not ck.keys(where, cf, CONTROL_KEYS):
            continue
        place_ref(where + ".place", cf["place"], nullable=False)
        ck.actor(where + ".controller", cf["controller"], nullable=False)
        ck.actor(where + ".previous", cf["previous"], nullable=True)
        used(where + ".controller", cf["controller"])
        used(where + ".previous", cf["previous"])
        if cf["previous"] is not None and cf["previous"] == cf["controller"]:
            ck.add(where, "previous equals controller")
        ck.evidence(where + ".evidence", cf["evidence"], text)

    for i, sg in enumerate(gold["sieges"]):
        where = f"$.gold.sieges[{i}]"
        if not ck.keys(where, sg, SIEGE_KEYS):
            continue
        place_ref(where + ".place", sg["place"], nullable=False)
        ck.actor(where + ".besieger", sg["besieger"], nullable=True)
        ck.actor(where + ".besieged", sg["besieged"], nullable=True)
        used(where + ".besieger", sg["besieger"])
        used(where + ".besieged", sg["besieged"])
        if sg["status"] not in SIEGE_STATUSES:
            ck.add(where, f"unknown siege status {sg['status']!r}")
        since = sg["since"]
        if since is not None and (not isinstance(since, str) or not _YEAR.match(since)):
            ck.add(where + ".since", f"since must be YYYY or null, got {since!r}")
        ck.evidence(where + ".evidence", sg["evidence"], text)

    for i, q in enumerate(gold["quantities"]):
        where = f"$.gold.quantities[{i}]"
        if not ck.keys(where, q, QUANTITY_KEYS):
            continue
        ck.actor(where + ".subject", q["subject"], nullable=True)
        used(where + ".subject", q["subject"])
        if q["metric"] not in METRICS:
            ck.add(where, f"unknown metric {q['metric']!r}")
        value = q["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            ck.add(where + ".value", f"value must be a number, got {value!r}")
        elif q["metric"] == "share_of_territory" and not 0 <= value <= 100:
            ck.add(where + ".value", f"a share of territory is a percentage, got {value!r}")
        elif value < 0:
            ck.add(where + ".value", f"negative value {value!r}")
        if not isinstance(q["scope"], str) or not q["scope"].strip():
            ck.add(where + ".scope", "scope must be a non-empty string")
        ck.evidence(where + ".evidence", q["evidence"], text)
    return ck.problems


def validate_dir(folder: Path) -> list[Problem]:
    """All problems of every ``*.json`` article in ``folder`` (an empty folder is a problem too)."""
    files = sorted(folder.glob("*.json"))
    if not files:
        return [Problem(str(folder), "$", "no *.json articles found")]
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    for path in files:
        try:
            art: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(path.name, "$", f"cannot read JSON: {exc}"))
            continue
        problems.extend(validate_article(art, file=path.name))
        if isinstance(art, dict) and isinstance(art.get("id"), str):
            if art["id"] in ids:
                problems.append(Problem(path.name, "$.id", f"id {art['id']!r} also used by {ids[art['id']]}"))
            ids[art["id"]] = path.name
    return problems


def summarize(folders: Iterable[Path]) -> dict[str, int]:
    """Record counts over the folders: articles, actors, places, events, control, sieges, quantities."""
    counts = dict.fromkeys(("articles", "actors", "places", "events", "control", "sieges", "quantities"), 0)
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8")).get("gold", {})
            counts["articles"] += 1
            for key in GOLD_KEYS:
                counts[key] += len(gold.get(key, []))
    return counts


def main(argv: Sequence[str]) -> int:
    args = [a for a in argv if not a.startswith("-")]
    if not args:
        print(__doc__)
        return 2
    folders = [Path(a) for a in args]
    problems: list[Problem] = []
    for folder in folders:
        if not folder.is_dir():
            problems.append(Problem(str(folder), "$", "not a directory"))
            continue
        problems.extend(validate_dir(folder))
    for p in problems:
        print(p)
    if not problems:
        counts = summarize(folders)
        print("ok: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

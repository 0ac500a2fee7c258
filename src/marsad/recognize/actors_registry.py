"""The actor registry: who the actors are, what they are called, and when each name means whom.

Everything here is data (``src/marsad/data/actor*.tsv``, each with a provenance header); this module only
loads and validates it. Files:

- ``actors.tsv``          one row per actor: names, ACLED name and inter code, CAMEO-like code, kind, dates,
                          lineage (predecessor/successor) and ``rollup`` (the canonical id it is reported as).
- ``actor_roles.tsv``     time-scoped identities (PETRARCH-style date ranges): ``@syria_government`` is
                          ``syria_government_assad`` up to 2024-12-08 and ``syria_government_transitional`` after.
- ``actor_aliases.tsv``   Arabic surface forms → actor id or ``@role``, with kind, confidence and a condition.
- ``actor_anaphors.tsv``  definite nouns that name the most recent fitting actor («التنظيم», «الهيئة», «الجيش»).
- ``actor_context.tsv``   era cues, state-media cues and trigger nouns for nationality adjectives.
- ``actor_variants.tsv``  spelling variants applied to alias tokens (ميليشيات/مليشيات …).

A user folder (``Settings.lexicon_dir``) may hold any of these files with the same columns: user actors are
added (or replace a bundled row with the same id) and user aliases take precedence over bundled ones, so an
analyst can add or re-point a surface form without touching code. A user alias whose target is ``-`` marks a
surface as *not* an actor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from marsad.errors import DataFileError
from marsad.recognize.lexicon import Table, load_table, parse_tsv, split_multi

ActorKindName = Literal[
    "state", "rebel", "militia", "jihadist", "foreign_state", "civilian", "protester", "international",
    "political", "generic",
]
_ACTOR_KINDS = frozenset(ActorKindName.__args__)  # type: ignore[attr-defined]
_MENTION_KINDS = frozenset({"named", "generic", "foreign"})
_CONDITIONS = frozenset({"", "state_media", "after_trigger", "not_after_place"})
_CUES = frozenset({"era:assad", "era:transitional", "state_media", "trigger", "place_before", "place_name",
                   "source_before", "gap"})
_ERAS = frozenset({"assad", "transitional"})
NOT_AN_ACTOR = "-"


@dataclass(frozen=True, slots=True)
class ActorInfo:
    """One actor of the registry."""

    id: str
    name_en: str
    name_ar: str
    acled_name: str
    inter_code: int
    cameo: str
    kind: str
    core: bool = True
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    predecessor: str | None = None
    successor: str | None = None
    rollup: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """``actor_id`` holds ``role`` from ``valid_from`` to ``valid_to`` (inclusive; ``None`` = open)."""

    role: str
    actor_id: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    era: str | None

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class AliasRule:
    """One surface form. ``surface`` is as written; brackets mark the mention inside required context."""

    surface: str
    target: str
    kind: str = "named"
    confidence: float = 1.0
    condition: str = ""
    user: bool = False


@dataclass(frozen=True, slots=True)
class AnaphorRule:
    surface: str
    heads: tuple[str, ...]
    ids: frozenset[str]
    kinds: frozenset[str]
    scope: Literal["doc", "sentence"]
    default: str | None


@dataclass(frozen=True, slots=True)
class ContextCue:
    surface: str
    cue: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Variant:
    pattern: str
    replacement: str


def _date(cell: str, where: str) -> dt.date | None:
    if not cell:
        return None
    try:
        return dt.date.fromisoformat(cell)
    except ValueError as exc:
        raise DataFileError(f"{where}: bad date {cell!r}", value=cell) from exc


def _float(cell: str, where: str, default: float = 1.0) -> float:
    if not cell:
        return default
    try:
        return float(cell)
    except ValueError as exc:
        raise DataFileError(f"{where}: bad number {cell!r}", value=cell) from exc


def _tables(name: str, user_dir: Path | None) -> tuple[Table, Table | None]:
    bundled = load_table(name)
    if user_dir is None or not (user_dir / name).is_file():
        return bundled, None
    path = user_dir / name
    user = parse_tsv(path.read_text(encoding="utf-8"), str(path))
    if user.columns != bundled.columns:
        raise DataFileError(f"{path}: columns {user.columns} differ from {bundled.columns}", value=str(path))
    return bundled, user


@dataclass(frozen=True)
class ActorRegistry:
    """Actors, roles, aliases and context words. Frozen and picklable; build it with :meth:`load`."""

    actors: dict[str, ActorInfo]
    roles: dict[str, tuple[RoleSpan, ...]]
    aliases: tuple[AliasRule, ...]
    anaphors: tuple[AnaphorRule, ...]
    cues: tuple[ContextCue, ...]
    variants: tuple[Variant, ...]
    versions: dict[str, str]

    @classmethod
    def load(cls, user_dir: Path | None = None) -> ActorRegistry:
        """Load the bundled data files, with those in ``user_dir`` layered over them."""
        versions: dict[str, str] = {}

        bundled, user = _tables("actors.tsv", user_dir)
        versions["actors.tsv"] = bundled.header.get("version", "")
        actors: dict[str, ActorInfo] = {}
        for row in bundled.rows + (user.rows if user else ()):
            info = _actor(row)
            actors[info.id] = info

        bundled, user = _tables("actor_roles.tsv", user_dir)
        versions["actor_roles.tsv"] = bundled.header.get("version", "")
        roles: dict[str, list[RoleSpan]] = {}
        for row in (user.rows if user else ()) + bundled.rows:
            where = f"actor_roles.tsv role {row['role']}"
            era = row.get("era") or None
            if era is not None and era not in _ERAS:
                raise DataFileError(f"{where}: unknown era {era!r}", value=era)
            roles.setdefault(row["role"], []).append(RoleSpan(
                role=row["role"], actor_id=row["actor_id"], valid_from=_date(row["valid_from"], where),
                valid_to=_date(row["valid_to"], where), era=era))

        bundled, user = _tables("actor_aliases.tsv", user_dir)
        versions["actor_aliases.tsv"] = bundled.header.get("version", "")
        aliases: list[AliasRule] = []
        for rows, is_user in (((user.rows if user else ()), True), (bundled.rows, False)):
            for row in rows:
                where = f"actor_aliases.tsv {row['surface']!r}"
                kind = row.get("kind") or "named"
                cond = row.get("condition", "")
                if kind not in _MENTION_KINDS:
                    raise DataFileError(f"{where}: unknown kind {kind!r}", value=kind)
                if cond not in _CONDITIONS:
                    raise DataFileError(f"{where}: unknown condition {cond!r}", value=cond)
                aliases.append(AliasRule(surface=row["surface"], target=row["target"], kind=kind,
                                         confidence=_float(row.get("confidence", ""), where), condition=cond,
                                         user=is_user))

        bundled, user = _tables("actor_anaphors.tsv", user_dir)
        versions["actor_anaphors.tsv"] = bundled.header.get("version", "")
        anaphors: list[AnaphorRule] = []
        for row in (user.rows if user else ()) + bundled.rows:
            scope = row.get("scope") or "doc"
            if scope not in ("doc", "sentence"):
                raise DataFileError(f"actor_anaphors.tsv {row['surface']!r}: bad scope {scope!r}", value=scope)
            anaphors.append(AnaphorRule(
                surface=row["surface"], heads=split_multi(row.get("heads", "")),
                ids=frozenset(split_multi(row.get("ids", ""))), kinds=frozenset(split_multi(row.get("kinds", ""))),
                scope="doc" if scope == "doc" else "sentence", default=row.get("default") or None))

        bundled, user = _tables("actor_context.tsv", user_dir)
        versions["actor_context.tsv"] = bundled.header.get("version", "")
        cues: list[ContextCue] = []
        for row in bundled.rows + (user.rows if user else ()):
            where = f"actor_context.tsv {row['surface']!r}"
            if row["cue"] not in _CUES:
                raise DataFileError(f"{where}: unknown cue {row['cue']!r}", value=row["cue"])
            cues.append(ContextCue(surface=row["surface"], cue=row["cue"], weight=_float(row.get("weight", ""), where)))

        bundled, user = _tables("actor_variants.tsv", user_dir)
        versions["actor_variants.tsv"] = bundled.header.get("version", "")
        variants = tuple(Variant(r["pattern"], r["replacement"]) for r in bundled.rows + (user.rows if user else ()))

        registry = cls(actors=actors, roles={k: tuple(v) for k, v in roles.items()}, aliases=tuple(aliases),
                       anaphors=tuple(anaphors), cues=tuple(cues), variants=variants, versions=versions)
        registry.validate()
        return registry

    def validate(self) -> None:
        """Every target, role member, lineage link and anaphor default must name a known actor or role."""
        def check(target: str | None, where: str) -> None:
            if target is None or target == NOT_AN_ACTOR:
                return
            if target.startswith("@"):
                if target[1:] not in self.roles:
                    raise DataFileError(f"{where}: unknown role {target!r}", value=target)
            elif target not in self.actors:
                raise DataFileError(f"{where}: unknown actor id {target!r}", value=target)

        for info in self.actors.values():
            for link in (info.predecessor, info.successor, info.rollup):
                check(link, f"actors.tsv {info.id}")
        for spans in self.roles.values():
            for span in spans:
                check(span.actor_id, f"actor_roles.tsv {span.role}")
        for alias in self.aliases:
            check(alias.target, f"actor_aliases.tsv {alias.surface!r}")
        for ana in self.anaphors:
            check(ana.default, f"actor_anaphors.tsv {ana.surface!r}")
            for i in ana.ids:
                check(i, f"actor_anaphors.tsv {ana.surface!r}")

    # -- lookups ---------------------------------------------------------------------------------------------

    def get(self, actor_id: str) -> ActorInfo | None:
        return self.actors.get(actor_id)

    def ids(self) -> tuple[str, ...]:
        return tuple(self.actors)

    def core_ids(self) -> tuple[str, ...]:
        """The canonical ids marsad reports (``core`` = 1)."""
        return tuple(i for i, a in self.actors.items() if a.core)

    def is_core(self, actor_id: str) -> bool:
        info = self.actors.get(actor_id)
        return bool(info and info.core)

    def canonical(self, actor_id: str) -> str:
        """The id a mention of ``actor_id`` is reported as (its ``rollup``, else itself)."""
        info = self.actors.get(actor_id)
        return info.rollup if info and info.rollup else actor_id

    def lineage(self, actor_id: str) -> tuple[str, ...]:
        """The chain of names an actor went by, earliest first («nusra_front → jfs → hts»)."""
        if actor_id not in self.actors:
            return ()
        chain = [actor_id]
        seen = {actor_id}
        cur = self.actors[actor_id]
        while cur.predecessor and cur.predecessor not in seen and cur.predecessor in self.actors:
            seen.add(cur.predecessor)
            chain.insert(0, cur.predecessor)
            cur = self.actors[cur.predecessor]
        cur = self.actors[actor_id]
        while cur.successor and cur.successor not in seen and cur.successor in self.actors:
            seen.add(cur.successor)
            chain.append(cur.successor)
            cur = self.actors[cur.successor]
        return tuple(chain)

    def resolve(self, target: str, *, date: dt.date | None = None, era: str | None = None) -> str | None:
        """An alias target → actor id. ``@role`` is resolved by ``date`` (else by ``era``); ``None`` if no one
        holds the role then."""
        if not target.startswith("@"):
            return None if target == NOT_AN_ACTOR else target
        spans = self.roles.get(target[1:], ())
        if date is not None:
            for span in spans:
                if span.covers(date):
                    return span.actor_id
            return None
        want = era or "assad"
        for span in spans:
            if span.era == want:
                return span.actor_id
        return None


def _actor(row: dict[str, str]) -> ActorInfo:
    where = f"actors.tsv {row.get('id', '?')}"
    if not row.get("id"):
        raise DataFileError("actors.tsv: a row without id", value=row)
    kind = row.get("kind", "")
    if kind not in _ACTOR_KINDS:
        raise DataFileError(f"{where}: unknown kind {kind!r}", value=kind)
    try:
        inter = int(row.get("inter_code") or 0)
    except ValueError as exc:
        raise DataFileError(f"{where}: bad inter code {row.get('inter_code')!r}", value=row.get("inter_code")) from exc
    if not 0 <= inter <= 8:
        raise DataFileError(f"{where}: inter code {inter} outside 0-8", value=inter)
    return ActorInfo(
        id=row["id"], name_en=row.get("name_en", ""), name_ar=row.get("name_ar", ""),
        acled_name=row.get("acled_name", ""), inter_code=inter, cameo=row.get("cameo", ""), kind=kind,
        core=row.get("core", "1") not in ("0", "no", "false"),
        valid_from=_date(row.get("valid_from", ""), where), valid_to=_date(row.get("valid_to", ""), where),
        predecessor=row.get("predecessor") or None, successor=row.get("successor") or None,
        rollup=row.get("rollup") or None,
    )

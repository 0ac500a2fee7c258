"""One list of settings. Each ``Setting`` drives a CLI flag, the docs and the defaults."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("default_date", None, "Reference date when a document has no published date and states none "
            "(YYYY-MM-DD). Decides time-scoped actor identities such as «الجيش السوري»."),
    Setting("include_suppressed", False, "Also output hypothetical, future, negated, demanded and opinion "
            "statements (marked with their modality) instead of dropping them."),
    Setting("max_chars", 2_000_000, "Reject documents longer than this many characters (M104)."),
    Setting("lexicon_dir", None, "A folder of user data files (actors.tsv, triggers.tsv, ...) layered over "
            "the bundled ones."),
    Setting("gazetteer_path", None, "A user gazetteer imported with `marsad gazetteer import` (SQLite/TSV)."),
)


@dataclass(frozen=True)
class Settings:
    default_date: dt.date | None = None
    include_suppressed: bool = False
    max_chars: int = 2_000_000
    lexicon_dir: Path | None = None
    gazetteer_path: Path | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

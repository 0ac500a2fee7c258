"""Blocs: which actors count together when shares are added up (e.g. the regime with its allied militias).

The default blocs live in ``marsad/data/control_blocs.tsv``. A user bloc file in the same format
(``--bloc-file``) overrides it: each bloc it names replaces the bundled bloc of that name, and an actor it
lists leaves whichever bundled bloc held it. An actor in no bloc is a bloc of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from marsad.errors import ConfigError, DataFileError
from marsad.model.base import Record
from marsad.recognize.lexicon import Table, load_table, parse_tsv, split_multi

BLOC_FILE = "control_blocs.tsv"
COLUMNS = ("bloc", "label", "members")


@dataclass(frozen=True, slots=True)
class Bloc(Record):
    bloc_id: str
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blocs(Record):
    """A set of disjoint blocs and where they come from."""

    blocs: tuple[Bloc, ...]
    source: str

    def bloc_of(self, actor: str) -> str:
        for b in self.blocs:
            if actor in b.members:
                return b.bloc_id
        return actor

    def label(self, bloc_id: str) -> str:
        for b in self.blocs:
            if b.bloc_id == bloc_id:
                return b.label
        return bloc_id

    def members(self, bloc_id: str) -> tuple[str, ...]:
        for b in self.blocs:
            if b.bloc_id == bloc_id:
                return b.members
        return (bloc_id,)

    def describe(self) -> list[str]:
        return [f"{b.bloc_id} = {' + '.join(b.members)}" for b in self.blocs]

    def identity(self) -> Blocs:
        """The same source, every actor on its own (no blocs)."""
        return Blocs((), f"{self.source} (blocs off: every actor alone)")


def _from_table(table: Table) -> list[Bloc]:
    if tuple(table.columns[:3]) != COLUMNS:
        raise DataFileError(f"{table.name}: columns must start with {COLUMNS}, got {table.columns}")
    out = []
    for row in table.rows:
        if not row["bloc"]:
            raise DataFileError(f"{table.name}: a row without a bloc id", value=row)
        out.append(Bloc(row["bloc"], row["label"] or row["bloc"], split_multi(row["members"])))
    return out


def load_blocs(bloc_file: Path | None = None) -> Blocs:
    """The bundled blocs, overridden by ``bloc_file`` when given."""
    bundled = _from_table(load_table(BLOC_FILE))
    source = f"bundled {BLOC_FILE}"
    if bloc_file is None:
        return Blocs(tuple(bundled), source)
    try:
        text = Path(bloc_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read bloc file {bloc_file}: {exc}", value=str(bloc_file)) from exc
    user = _from_table(parse_tsv(text, str(bloc_file)))
    names = {b.bloc_id for b in user}
    moved = {a for b in user for a in b.members}
    merged = [Bloc(b.bloc_id, b.label, tuple(a for a in b.members if a not in moved))
              for b in bundled if b.bloc_id not in names]
    merged = [b for b in merged if b.members] + user
    seen: set[str] = set()
    for b in merged:
        dup = seen & set(b.members)
        if dup:
            raise DataFileError(f"{bloc_file}: actors in two blocs: {', '.join(sorted(dup))}")
        seen |= set(b.members)
    return Blocs(tuple(merged), f"{source}, overridden by {bloc_file}")

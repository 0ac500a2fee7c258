"""Loading analyst-editable data files (TSV with a provenance header).

Format::

    # source: where the entries come from
    # licence: SPDX id
    # version: 1.2.0
    # (any other "# key: value" lines, or free comments)
    col1<TAB>col2<TAB>...
    value<TAB>value<TAB>...

Blank lines and lines starting with ``#`` after the header are comments. Multi-valued cells use ``|``.
A user file (``--lexicon-dir``) with the same name layers over the bundled one: its rows are appended.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from marsad.errors import DataFileError

REQUIRED_HEADER = ("source", "licence", "version")


@dataclass(frozen=True)
class Table:
    name: str
    header: dict[str, str]
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def parse_tsv(text: str, name: str) -> Table:
    header: dict[str, str] = {}
    columns: tuple[str, ...] | None = None
    rows: list[dict[str, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            if columns is None and ":" in line:
                k, _, v = line[1:].partition(":")
                header.setdefault(k.strip().lower(), v.strip())
            continue
        cells = line.split("\t")
        if columns is None:
            columns = tuple(c.strip() for c in cells)
            continue
        if len(cells) > len(columns):
            raise DataFileError(f"{name}:{lineno}: {len(cells)} cells for {len(columns)} columns", value=line)
        cells += [""] * (len(columns) - len(cells))
        rows.append({c: v.strip() for c, v in zip(columns, cells, strict=True)})
    missing = [k for k in REQUIRED_HEADER if k not in header]
    if missing:
        raise DataFileError(f"{name}: provenance header lacks {', '.join(missing)}")
    if columns is None:
        raise DataFileError(f"{name}: no column header row")
    return Table(name=name, header=header, columns=columns, rows=tuple(rows))


def load_table(name: str, *, user_dir: Path | None = None) -> Table:
    """Load bundled ``marsad/data/<name>`` and append rows from ``user_dir/<name>`` if present."""
    try:
        text = resources.files("marsad.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(f"no bundled data file {name}") from exc
    table = parse_tsv(text, name)
    if user_dir is not None and (user_dir / name).is_file():
        extra = parse_tsv((user_dir / name).read_text(encoding="utf-8"), str(user_dir / name))
        if extra.columns != table.columns:
            raise DataFileError(f"{user_dir / name}: columns {extra.columns} differ from {table.columns}")
        table = Table(name, table.header, table.columns, table.rows + extra.rows)
    return table


def split_multi(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())

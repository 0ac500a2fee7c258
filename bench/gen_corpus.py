"""Generate a large, varied benchmark corpus (JSONL) from marsad's own invented articles.

Sources: ``src/marsad/data/demo/*.json`` and ``tests/fixtures/gold/*.json`` (written for marsad, CC0). Never the
third-party eval set. Each generated article is built by:

* taking a run of sentences from a base article and mixing in sentences from other articles (shuffled
  across articles), to a length drawn from a log-normal around ~1,100 characters (the size of real inputs);
* swapping place names for others of the same kind from the bundled gazetteer, named actor surfaces for
  other named surfaces from ``actor_aliases.tsv``, numbers for random numbers of the same size (a day of the
  month for a day from 1 to 28; numbers in numeric dates such as «12/5» are kept), month names for other
  months, and shifting every year by one offset (the publication date moves with it).

``VERSION`` changes whenever the output for a seed changes (``bench_extract.py`` names cached corpora by it).

The output is deterministic for a given ``--seed``::

    python bench/gen_corpus.py -n 20000 -o /tmp/marsad-bench/corpus-20k.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "marsad" / "data"
SOURCES = (DATA / "demo", ROOT / "tests" / "fixtures" / "gold")

#: Version 2: days of the month stay valid («63 تشرين الثاني» was possible in version 1).
VERSION = 2

_SENTENCE = re.compile(r"[^\n]+?(?:[.!?؟]+(?=\s|$)|$)\n?", re.M)  # a dot inside «25.6» does not end one
_DIGITS = re.compile(r"[0-9٠-٩]+")
_YEAR = re.compile(r"(?<![0-9])(20[0-2][0-9]|19[5-9][0-9])(?![0-9])")
_CLITIC = "(?:وب|ول|وال|بال|لل|و|ب|ل|ف|ال)?"


@dataclass(frozen=True)
class Source:
    id: str
    text: str
    published: dt.date | None
    outlet: str | None
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Lexicons:
    places: dict[str, tuple[str, ...]]  # kind -> Arabic names
    place_kind: dict[str, str]  # Arabic name -> kind
    actors: tuple[str, ...]  # named actor surfaces (no context words)
    months: tuple[str, ...]
    place_re: re.Pattern[str]
    actor_re: re.Pattern[str]
    month_re: re.Pattern[str]


def _tsv_rows(path: Path) -> Iterator[dict[str, str]]:
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        yield dict(zip(header, cells, strict=False))


def load_sources() -> list[Source]:
    out: list[Source] = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.json")):
            obj = json.loads(path.read_text(encoding="utf-8"))
            text = obj["text"]
            published = dt.date.fromisoformat(obj["published"]) if obj.get("published") else None
            sentences = tuple(s for s in (m.group(0) for m in _SENTENCE.finditer(text)) if s.strip())
            out.append(Source(obj["id"], text, published, obj.get("outlet"), sentences))
    if not out:
        raise SystemExit("no source articles found under " + ", ".join(map(str, SOURCES)))
    return out


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def load_lexicons() -> Lexicons:
    places: dict[str, list[str]] = {}
    kind_of: dict[str, str] = {}
    for row in _tsv_rows(DATA / "gazetteer.tsv"):
        if row.get("country") != "SY" or row.get("kind") not in ("city", "town", "village"):
            continue
        name = row.get("name_ar", "").strip()
        if len(name) < 3 or (" " in name and len(name.split()) > 3):
            continue
        places.setdefault(row["kind"], []).append(name)
        kind_of[name] = row["kind"]
    actors = sorted({r["surface"] for r in _tsv_rows(DATA / "actor_aliases.tsv")
                     if r.get("kind") == "named" and not r.get("condition") and "[" not in r["surface"]
                     and float(r.get("confidence") or 0) >= 1.0 and len(r["surface"]) > 4})
    months = sorted({form for r in _tsv_rows(DATA / "months.tsv") if r.get("calendar") in ("gregorian", "syriac")
                     and not r.get("needs_context") for form in r["forms"].split("|")})
    return Lexicons(
        places={k: tuple(v) for k, v in places.items()}, place_kind=kind_of, actors=tuple(actors),
        months=tuple(months),
        place_re=re.compile(rf"(?<![\w]){_CLITIC}({_alternation(list(kind_of))})(?![\w])"),
        actor_re=re.compile(rf"(?<![\w])({_alternation(actors)})(?![\w])"),
        month_re=re.compile(rf"(?<![\w])({_alternation(months)})(?![\w])"),
    )


def _vary(text: str, rng: random.Random, lex: Lexicons, year_shift: int) -> str:
    place_map: dict[str, str] = {}

    def place(m: re.Match[str]) -> str:
        name = m.group(1)
        if rng.random() < 0.25:
            return m.group(0)
        if name not in place_map:
            place_map[name] = rng.choice(lex.places[lex.place_kind[name]])
        return m.group(0)[: m.start(1) - m.start(0)] + place_map[name]

    def actor(m: re.Match[str]) -> str:
        return rng.choice(lex.actors) if rng.random() < 0.3 else m.group(0)

    def year(m: re.Match[str]) -> str:
        return str(min(2026, max(2011, int(m.group(0)) + year_shift)))

    def number(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) == 4 and s.startswith(("19", "20")):
            return s  # a year, shifted already
        if rng.random() < 0.4:
            return s
        whole = m.string
        if whole[m.start() - 1 : m.start()] in ("/", "-") or whole[m.end() : m.end() + 1] in ("/", "-"):
            return s  # part of a numeric date or a range
        after = m.end()
        while whole[after : after + 1] == " ":
            after += 1
        if len(s) <= 2 and lex.month_re.match(whole, after):
            return str(rng.randint(1, 28))  # a day of the month
        lo = 10 ** (len(s) - 1) if len(s) > 1 else 1
        return str(rng.randint(lo, 10 ** len(s) - 1))

    text = lex.place_re.sub(place, text)
    text = lex.actor_re.sub(actor, text)
    text = lex.month_re.sub(lambda m: rng.choice(lex.months) if rng.random() < 0.5 else m.group(0), text)
    text = _YEAR.sub(year, text)
    return _DIGITS.sub(number, text)


def generate(n: int, *, seed: int = 7, mean_chars: int = 1100) -> Iterator[dict[str, object]]:
    """``n`` varied articles as JSON-ready dicts (``id, url, outlet, published, text``)."""
    sources = load_sources()
    lex = load_lexicons()
    pool = [(s, sent) for s in sources for sent in s.sentences]
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        base = rng.choice(sources)
        target = int(min(6000, max(150, rng.lognormvariate(0, 0.55) * mean_chars * 0.86)))
        start = rng.randrange(0, max(1, len(base.sentences) // 2))
        parts: list[str] = []
        size = 0
        j = start
        while size < target:
            if j < len(base.sentences) and rng.random() < 0.7:
                sent = base.sentences[j]
                j += 1
            else:
                sent = rng.choice(pool)[1]
            parts.append(sent if sent.endswith(("\n", " ")) else sent + " ")
            size += len(sent)
        year_shift = rng.randint(-4, 4)
        published: dt.date | None = None
        if base.published is not None and rng.random() < 0.85:
            year = min(2026, max(2011, base.published.year + year_shift))
            published = base.published.replace(year=year, day=min(base.published.day, 28))
        text = _vary("".join(parts).strip(), rng, lex, year_shift)
        yield {"id": f"gen-{seed}-{i:06d}", "url": f"https://example.org/bench/{seed}/{i}", "outlet": base.outlet,
               "published": published.isoformat() if published else None, "text": text}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1000, help="number of articles (default 1000)")
    ap.add_argument("-o", "--output", help="JSONL file (default stdout)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mean-chars", type=int, default=1100)
    args = ap.parse_args(argv)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for obj in generate(args.n, seed=args.seed, mean_chars=args.mean_chars):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Trigger and modality lexicons (``data/triggers.tsv``, ``data/modality.tsv``), compiled once by the factory."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import DataFileError
from marsad.events.prefilter import Tokens, WordIndex, words_of
from marsad.normalize.fold import default_charmap
from marsad.recognize.lexicon import load_table

# A conjunction/preposition clitic and the article may precede any trigger.
_CLITIC = r"(?<!\w)(?:و|ف)?(?:ب|ل|ك)?(?:ال|ل)?"


def fold_pattern(pattern: str) -> str:
    """Fold the Arabic letters of a regex pattern the way the text is folded; leave ASCII syntax alone."""
    table = default_charmap().table
    return "".join(ch if ord(ch) < 128 else table.get(ch, ch) for ch in pattern)


@dataclass(frozen=True)
class TriggerRule:
    index: int
    type: str
    control: str
    siege: str
    voice: str
    note: str
    pattern_article: bool = False  # the pattern itself starts with the article (ال)


@dataclass(frozen=True)
class TriggerMatch:
    rule: TriggerRule
    start: int  # folded offsets
    end: int


@dataclass(frozen=True)
class TriggerLexicon:
    rules: tuple[TriggerRule, ...]
    index: WordIndex
    version: str

    @classmethod
    def load(cls, user_dir: Path | None = None) -> TriggerLexicon:
        table = load_table("triggers.tsv", user_dir=user_dir)
        rules: list[TriggerRule] = []
        alts: list[str] = []
        for i, row in enumerate(table.rows):
            pat = fold_pattern(row["pattern"])
            try:
                re.compile(pat)
            except re.error as exc:
                raise DataFileError(f"triggers.tsv row {i + 1}: bad pattern: {exc}", value=row["pattern"]) from exc
            rules.append(TriggerRule(i, row["type"], row.get("control", ""), row.get("siege", ""),
                                     row.get("voice", "") or "noun", row.get("note", ""),
                                     pattern_article=pat.startswith(("ال", "(?:ال)")) or "القبض" in pat))
            alts.append(pat)
        index = WordIndex.build(alts, clitic=_CLITIC)
        return cls(rules=tuple(rules), index=index, version=table.header["version"])

    def scan(self, text: str, words: Tokens | None = None) -> list[TriggerMatch]:
        """All trigger matches of a document (``words``: its ``words_of``, when the caller already has them)."""
        words = words_of(text) if words is None else words
        return [TriggerMatch(self.rules[i], m.start(), m.end()) for i, m in self.index.scan(text, words)]


@dataclass(frozen=True)
class ModalityCue:
    modality: str
    scope: str
    window: int
    regex: re.Pattern[str]


@dataclass(frozen=True)
class CueMatch:
    cue: ModalityCue
    start: int
    end: int


@dataclass(frozen=True)
class ModalityLexicon:
    cues: tuple[ModalityCue, ...]
    index: WordIndex

    @classmethod
    def load(cls, user_dir: Path | None = None) -> ModalityLexicon:
        table = load_table("modality.tsv", user_dir=user_dir)
        cues = []
        for i, row in enumerate(table.rows):
            try:
                rx = re.compile(fold_pattern(row["pattern"]))
            except re.error as exc:
                raise DataFileError(f"modality.tsv row {i + 1}: bad pattern: {exc}", value=row["pattern"]) from exc
            cues.append(ModalityCue(row["modality"], row["scope"], int(row.get("window") or 0), rx))
        index = WordIndex.build([c.regex.pattern for c in cues], clitic="")
        return cls(tuple(cues), index)

    def scan(self, text: str, words: Tokens | None = None) -> list[CueMatch]:
        words = words_of(text) if words is None else words
        out = [CueMatch(self.cues[i], m.start(), m.end()) for i, m in self.index.scan_all(text, words)]
        out.sort(key=lambda c: c.start)
        return out

"""Near-duplicate documents (MinHash + LSH bands kept in the store) and corroboration of events.

Documents: a 64-permutation MinHash over word 3-grams of the folded text, cut into 16 bands of 4 rows
(candidates from a Jaccard similarity of about 0.5 up). Each band's hash is stored (``document_bands``),
so finding candidates is an indexed query that works across runs and processes on both stores. A
candidate whose estimated Jaccard similarity is at least ``NEAR_DUPLICATE`` joins the candidate's cluster.

Events (ACLED's rule): reports of the same day, the same location and the same pair of actors are one
event when they also agree on the type or their evidence reads alike (rapidfuzz token-set ratio).
Events without a day-precise date or a place are never merged across documents.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from marsad.model import Event
from marsad.normalize import fold_text

NUM_PERM = 64
SCHEME = "affine32"  # datasketch >= 2.0; stored signatures depend on it, so it is pinned here
BANDS = 16
ROWS = NUM_PERM // BANDS
NEAR_DUPLICATE = 0.8
EVIDENCE_SIMILARITY = 70.0
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Signature:
    """A document's MinHash signature and its LSH band hashes."""

    values: bytes
    bands: tuple[int, ...]

    def similarity(self, other: bytes) -> float:
        """Estimated Jaccard similarity with another stored signature."""
        return float(self.similarities([other])[0])

    def similarities(self, others: list[bytes]) -> np.ndarray:
        """Estimated Jaccard similarity with each of ``others`` (0 for a signature of another size)."""
        a = np.frombuffer(self.values, dtype="<u8")
        ok = [o if len(o) == len(self.values) else bytes(len(self.values)) for o in others]
        if not ok:
            return np.zeros(0)
        m = np.frombuffer(b"".join(ok), dtype="<u8").reshape(len(ok), a.size)
        sims = (m == a).mean(axis=1)
        sims[[len(o) != len(self.values) for o in others]] = 0.0
        return sims


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def shingles(folded: str, *, n: int = 3) -> list[bytes]:
    """Word ``n``-grams of an already folded text (the words themselves for very short texts)."""
    words = _WORD.findall(folded)
    if len(words) < n:
        return [w.encode("utf-8") for w in words] or [b""]
    return list({" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)})


@cache
def _permutations() -> Any:
    """datasketch's permutations for ``seed=1``, made once (MinHash would redraw them for every document)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def signature(text: str, *, folded: str | None = None) -> Signature:
    """The MinHash signature of ``text`` (pass ``folded`` when the folded text is at hand)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=_permutations(), scheme=SCHEME)
    mh.update_batch(shingles(fold_text(text) if folded is None else folded))
    values = np.asarray(mh.hashvalues, dtype="<u8").tobytes()
    bands = tuple(_hash64(bytes([b]) + values[b * ROWS * 8 : (b + 1) * ROWS * 8]) for b in range(BANDS))
    return Signature(values=values, bands=bands)


def place_key(event: Event) -> str | None:
    p = event.place
    if p is None:
        return None
    base = p.place_id or f"unresolved:{fold_text(p.surface)}"
    return f"{base}#{p.relation}" if p.relation else base


def match_key(event: Event) -> str | None:
    """The corroboration key (day, place, actor pair), or ``None`` when the event cannot be matched."""
    key = place_key(event)
    if key is None or not event.date or not _DAY.match(event.date):
        return None
    a, b = sorted((event.actor1 or "", event.actor2 or ""))
    return f"{event.date}|{key}|{a}|{b}"


def same_event(type_a: str, evidence_a: str, type_b: str, evidence_b: str) -> bool:
    """Two reports with the same match key describe one event when type or wording agree."""
    if type_a == type_b:
        return True
    from rapidfuzz import fuzz

    return fuzz.token_set_ratio(fold_text(evidence_a), fold_text(evidence_b)) >= EVIDENCE_SIMILARITY


def lock_id(key: str) -> int:
    """A 64-bit advisory-lock id for a match key."""
    return _hash64(key.encode("utf-8"))

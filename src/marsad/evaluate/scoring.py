"""Scoring predictions against gold articles with the matching rules of the reference scorer.

The rules (``../shared/eval/score.py``): per article, each gold item used at most once, greedy in prediction
order. actors: set of ids. places: normalised surfaces contain one another (lengths within 12 characters, one
leading clitic/article tolerated); geo accuracy on matched places with a gold governorate. events: same type,
same actor1, overlapping evidence (the predicted span at most max(400, 2 × gold)), and the gold place's surface
matched when the gold names a place; events_typed drops actor1 and place. control: place and controller.
sieges: place and status. quantities: metric, value (1e-6) and overlapping evidence.
A test checks that ``marsad eval`` and the reference scorer agree on the same output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LAYERS = ("actors", "places", "events", "events_typed", "control", "sieges", "quantities")

_GOVS = {
    "damascus": "Damascus", "rif dimashq": "Rif Dimashq", "rural damascus": "Rif Dimashq",
    "damascus countryside": "Rif Dimashq", "aleppo": "Aleppo", "homs": "Homs", "hama": "Hama",
    "latakia": "Latakia", "lattakia": "Latakia", "tartus": "Tartus", "tartous": "Tartus", "idlib": "Idlib",
    "raqqa": "Raqqa", "ar-raqqa": "Raqqa", "al-raqqa": "Raqqa", "deir ez-zor": "Deir ez-Zor",
    "deir ezzor": "Deir ez-Zor", "deir al-zor": "Deir ez-Zor", "deir al-zour": "Deir ez-Zor",
    "dayr az-zawr": "Deir ez-Zor", "hasakah": "Hasakah", "al-hasakah": "Hasakah", "hasakeh": "Hasakah",
    "al-hasakeh": "Hasakah", "daraa": "Daraa", "dar'a": "Daraa", "suwayda": "Suwayda", "as-suwayda": "Suwayda",
    "sweida": "Suwayda", "al-suwayda": "Suwayda", "quneitra": "Quneitra",
}
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_LEAD = re.compile(r"^(و|ف|ب|ل|ك)?(ال)?")


def canonical_governorate(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    key = name.strip().lower().removesuffix(" governorate").strip()
    return _GOVS.get(key, name.strip())


def _norm(s: object) -> str:
    if not isinstance(s, str):
        return ""
    s = _MARKS.sub("", s)
    s = re.sub("[أإآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    return " ".join(re.sub(r"[^\w%]+", " ", s).split())


def surfaces_match(a: object, b: object) -> bool:
    x, y = _norm(a), _norm(b)
    if min(len(x), len(y)) < 2 or abs(len(x) - len(y)) > 12:
        return False
    if x in y or y in x:
        return True
    sx, sy = _LEAD.sub("", x), _LEAD.sub("", y)
    return sx in y or sy in x or sx == sy


def _span(item: Mapping[str, Any], text: str) -> tuple[int, int] | None:
    sp = item.get("evidence_span")
    if isinstance(sp, (list, tuple)) and len(sp) == 2 and all(isinstance(v, int) for v in sp):
        return int(sp[0]), int(sp[1])
    ev = item.get("evidence")
    if isinstance(ev, str) and ev:
        i = text.find(ev)
        if i >= 0:
            return i, i + len(ev)
    return None


def _overlap(gold: tuple[int, int] | None, pred: tuple[int, int] | None) -> bool:
    if gold is None or pred is None:
        return False
    if pred[1] - pred[0] > max(400, 2 * (gold[1] - gold[0])):
        return False
    return gold[0] < pred[1] and pred[0] < gold[1]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, n_pred: int, n_gold: int) -> None:
        self.tp += tp
        self.fp += n_pred - tp
        self.fn += n_gold - tp

    def as_dict(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _greedy(golds: Sequence[Any], preds: Sequence[Any], same: Callable[[Any, Any], bool]) -> int:
    used: set[int] = set()
    tp = 0
    for p in preds:
        for i, g in enumerate(golds):
            if i not in used and same(g, p):
                used.add(i)
                tp += 1
                break
    return tp


def _dicts(obj: Any) -> list[dict[str, Any]]:
    return [x for x in (obj or []) if isinstance(x, dict)]


@dataclass
class Scores:
    layers: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in LAYERS})
    geo_ok: int = 0
    geo_n: int = 0
    documents: int = 0
    missing: list[str] = field(default_factory=list)
    per_doc: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.layers[k].as_dict() for k in LAYERS}
        out["geo_accuracy"] = round(self.geo_ok / self.geo_n, 4) if self.geo_n else 0.0
        out["documents"] = self.documents
        out["missing_predictions"] = list(self.missing)
        if self.per_doc:
            out["per_doc"] = self.per_doc
        return out


def score_predictions(articles: Sequence[Mapping[str, Any]], predictions: Mapping[str, Mapping[str, Any]], *,
                      per_doc: bool = False) -> Scores:
    """Score ``predictions`` (by article id) against gold ``articles`` (dicts with id, text, gold)."""
    sc = Scores(documents=len(articles))
    for art in articles:
        p = predictions.get(str(art["id"]))
        if p is None:
            sc.missing.append(str(art["id"]))
        _score_article(sc, art, p or {}, per_doc=per_doc)
    return sc


def _score_article(sc: Scores, art: Mapping[str, Any], p: Mapping[str, Any], *, per_doc: bool) -> None:
    gid, text, g = str(art["id"]), art["text"], art["gold"]
    doc = {k: Tally() for k in LAYERS}
    surface_of = {pl["name_en"]: pl["surface"] for pl in g.get("places", [])}

    ga, pa = set(g.get("actors", [])), set(p.get("actors") or [])
    doc["actors"].add(len(ga & pa), len(pa), len(ga))

    gp, pp = g.get("places", []), _dicts(p.get("places"))
    used: set[int] = set()
    tp = 0
    for pr in pp:
        for i, gl in enumerate(gp):
            if i not in used and surfaces_match(gl["surface"], pr.get("surface")):
                used.add(i)
                tp += 1
                if gl.get("governorate"):
                    sc.geo_n += 1
                    sc.geo_ok += canonical_governorate(gl["governorate"]) == canonical_governorate(
                        pr.get("governorate"))
                break
    doc["places"].add(tp, len(pp), len(gp))

    def place_ok(gold_place: object, pred: Mapping[str, Any]) -> bool:
        if not gold_place:
            return True
        surf = surface_of.get(gold_place, gold_place)  # type: ignore[call-overload]
        return surfaces_match(surf, pred.get("place_surface") or pred.get("place"))

    ge, pe = g.get("events", []), _dicts(p.get("events"))
    doc["events"].add(_greedy(ge, pe, lambda gv, pv: gv["type"] == pv.get("type")
                              and gv.get("actor1") == pv.get("actor1")
                              and _overlap(_span(gv, text), _span(pv, text))
                              and place_ok(gv.get("place"), pv)), len(pe), len(ge))
    doc["events_typed"].add(_greedy(ge, pe, lambda gv, pv: gv["type"] == pv.get("type")
                                    and _overlap(_span(gv, text), _span(pv, text))), len(pe), len(ge))
    gc, pc = g.get("control", []), _dicts(p.get("control"))
    doc["control"].add(_greedy(gc, pc, lambda gv, pv: gv.get("controller") == pv.get("controller")
                               and place_ok(gv.get("place"), pv)), len(pc), len(gc))
    gs, ps = g.get("sieges", []), _dicts(p.get("sieges"))
    doc["sieges"].add(_greedy(gs, ps, lambda gv, pv: gv.get("status") == pv.get("status")
                              and place_ok(gv.get("place"), pv)), len(ps), len(gs))
    gq, pq = g.get("quantities", []), _dicts(p.get("quantities"))

    def q_same(gv: Mapping[str, Any], pv: Mapping[str, Any]) -> bool:
        try:
            same = abs(float(gv["value"]) - float(pv.get("value"))) < 1e-6  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return gv.get("metric") == pv.get("metric") and same and _overlap(_span(gv, text), _span(pv, text))

    doc["quantities"].add(_greedy(gq, pq, q_same), len(pq), len(gq))
    for k in LAYERS:
        t = doc[k]
        sc.layers[k].add(t.tp, t.tp + t.fp, t.tp + t.fn)
    if per_doc:
        sc.per_doc.append({"id": gid, **{k: doc[k].as_dict()["f1"] for k in LAYERS}})

"""The core issue's seed check on the late-2017 analysis (../shared/eval/dev/000.json, read at run time).

Every control fact, siege and quantity must be found, at least 90% of its events, and its hypothetical
(«وفي حال …») and its closing call to open new fronts must produce nothing.
"""

from __future__ import annotations

import json

import pytest

from conftest import eval_dir
from marsad.evaluate.run import article_document
from marsad.evaluate.scoring import score_predictions


@pytest.fixture(scope="module")
def seed(pipeline):
    ev = eval_dir()
    if ev is None or not (ev / "dev" / "000.json").is_file():
        pytest.skip("../shared/eval/dev/000.json is not present (set MARSAD_EVAL_DIR)")
    art = json.loads((ev / "dev" / "000.json").read_text(encoding="utf-8"))
    res = pipeline(article_document(art))
    scores = score_predictions([art], {art["id"]: res.to_prediction()}).to_dict()
    return art, res, scores


def test_every_control_siege_and_quantity(seed):
    _, _, scores = seed
    for layer in ("control", "sieges", "quantities"):
        assert scores[layer]["fn"] == 0, (layer, scores[layer])


def test_most_events(seed):
    _, _, scores = seed
    ev = scores["events"]
    assert ev["tp"] / (ev["tp"] + ev["fn"]) >= 0.9, ev


def test_hypothetical_and_call_to_action_produce_nothing(seed):
    art, res, _ = seed
    text = art["text"]
    hyp = text.index("وفي حال")
    hyp_end = text.index("\n", hyp)
    call = text.index("فعليه أن")
    facts = (*res.events, *res.control, *res.sieges, *res.quantities)
    assert facts
    for fact in facts:
        span = fact.provenance.span
        assert span.end <= hyp or span.start >= hyp_end, span.text(text)
        assert span.end <= call, span.text(text)

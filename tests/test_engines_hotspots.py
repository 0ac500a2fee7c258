"""Speed fixes in shared code keep exact behaviour: each fast path equals its reference definition."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from marsad.normalize.fold import _WS, CharMap, default_charmap, fold, fold_reference

ROOT = Path(__file__).resolve().parents[1]


def alphabet() -> list[str]:
    cm = default_charmap()
    return [*cm.table, *_WS, *"ABCxyz حلبدير،.؟0123٤٥", "ﻻ", "\ue000", "\x00"]


def test_fast_fold_equals_reference_on_random_strings():
    rng = random.Random(20261)
    chars = alphabet()
    for _ in range(20_000):
        s = "".join(rng.choice(chars) for _ in range(rng.randint(0, 14)))
        assert fold(s) == fold_reference(s), repr(s)


@pytest.mark.parametrize("folder", ["src/marsad/data/demo", "tests/fixtures/gold"])
def test_fast_fold_equals_reference_on_articles(folder):
    paths = sorted((ROOT / folder).glob("*.json"))
    assert paths
    for path in paths:
        text = json.loads(path.read_text(encoding="utf-8"))["text"]
        assert fold(text) == fold_reference(text)


def test_fold_keeps_offsets_through_marks_and_whitespace_runs():
    text = "  قُتِلَ \u200f\n\t أربعةٌ  في  حلبَ  "
    f = fold(text)
    assert f.text == "قتل اربعه في حلب"
    assert f.to_original(0, 3).text(text) == "قُتِلَ"
    assert f.to_original(13, 16).text(text) == "حلبَ"
    assert f == fold_reference(text)


def test_a_table_whose_outputs_are_inputs_falls_back_to_the_reference():
    cm = CharMap(table={"أ": "ا", "ا": "ء", "ـ": ""}, version="test")  # chained replace would map أ → ء
    assert not cm.fast
    assert fold("أا ـب", cm).text == "اء ب" == fold_reference("أا ـب", cm).text
    assert default_charmap().fast

"""The hand-annotated gold fixtures are well-formed, and no third-party eval text leaked into the project.

``tests/fixtures/gold`` holds invented articles annotated with the conventions of the eval README; the accuracy
gate scores the pipeline against them, so they must pass ``tools/validate_gold.py`` without a single problem.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
SCANNED = ("src", "tests", "bench", "tools", "docs")
MIN_LINE = 60
N_FIXTURES = 24


def _eval_dir() -> Path:
    env = os.environ.get("MARSAD_EVAL_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="module")
def validator() -> ModuleType:
    path = ROOT / "tools" / "validate_gold.py"
    spec = importlib.util.spec_from_file_location("validate_gold", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _articles() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


def test_fixtures_pass_the_validator(validator: ModuleType) -> None:
    problems = validator.validate_dir(GOLD)
    assert problems == [], "\n".join(map(str, problems))


def test_fixture_set_is_complete_and_mixed() -> None:
    arts = _articles()
    assert [a["id"] for a in arts] == [f"f{i:02d}" for i in range(1, N_FIXTURES + 1)]
    empty = [a["id"] for a in arts if not any(a["gold"][k] for k in ("events", "control", "sieges", "quantities"))]
    assert 3 <= len(empty) <= 5, f"precision articles without facts: {empty}"
    for layer in ("events", "control", "sieges", "quantities"):
        assert sum(len(a["gold"][layer]) for a in arts) >= 10, layer
    assert {a["published"] is None for a in arts} == {True, False}


def test_validator_reports_broken_records(validator: ModuleType) -> None:
    good = _articles()[0]
    assert validator.validate_article(good, file=f"{good['id']}.json") == []
    bad = copy.deepcopy(good)
    bad["gold"]["events"][0]["evidence"] = "جملة لا ترد في النص"
    bad["gold"]["events"][0]["type"] = "battle"
    bad["gold"]["places"][0]["governorate"] = "Homs Province"
    bad["gold"]["places"][1]["kind"] = "castle"
    bad["gold"]["actors"].append("daesh")
    bad["gold"]["quantities"].append({"subject": None, "metric": "deaths", "value": "5", "scope": "x",
                                      "evidence": good["text"][:10]})
    bad["gold"]["control"].append({"place": "Atlantis", "controller": "sdf", "previous": None,
                                   "evidence": good["text"][:10]})
    messages = " | ".join(p.message for p in validator.validate_article(bad, file=f"{good['id']}.json"))
    for expected in ("not a substring", "unknown event type", "canonical", "unknown kind", "unknown actor id",
                     "unknown metric", "value must be a number", "not a name_en", "used but not listed"):
        assert expected in messages, expected


def test_validator_flags_era_mismatch(validator: ModuleType) -> None:
    art = copy.deepcopy(_articles()[0])
    art["gold"]["actors"].append("syria_government_transitional")
    art["gold"]["events"][0].update(actor1="syria_government_transitional", date="2015-05-13")
    messages = [p.message for p in validator.validate_article(art, file=f"{art['id']}.json")]
    assert any("before December 2024" in m for m in messages), messages


def test_validator_accepts_the_dev_set(validator: ModuleType) -> None:
    dev = _eval_dir() / "dev"
    if not dev.is_dir():
        pytest.skip(f"eval set not found at {dev} (set MARSAD_EVAL_DIR)")
    problems = validator.validate_dir(dev)
    assert problems == [], "\n".join(map(str, problems))


def _eval_lines(eval_dir: Path) -> set[str]:
    lines: set[str] = set()
    for path in eval_dir.glob("**/*.json"):
        text = json.loads(path.read_text(encoding="utf-8")).get("text", "")
        lines.update(ln.strip() for ln in text.splitlines() if len(ln.strip()) >= MIN_LINE)
    return lines


def _json_strings(obj: object) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _json_strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _json_strings(v)]
    return []


def _project_texts() -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for top in SCANNED:
        for path in sorted((ROOT / top).glob("**/*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary files (fonts, images) cannot hold copied Arabic prose
            if path.suffix == ".json":
                with contextlib.suppress(json.JSONDecodeError):
                    text += "\n" + "\n".join(_json_strings(json.loads(text)))
            out.append((path, text))
    return out


def test_no_eval_text_copied_into_the_project() -> None:
    eval_dir = _eval_dir()
    if not eval_dir.is_dir():
        pytest.skip(f"eval set not found at {eval_dir} (set MARSAD_EVAL_DIR); copy check skipped")
    lines = _eval_lines(eval_dir)
    assert lines, f"no eval text lines of {MIN_LINE}+ characters found under {eval_dir}"
    texts = _project_texts()
    assert any(p.name == "test_gold_fixtures.py" for p, _ in texts)
    leaks = [f"{p.relative_to(ROOT)}: {ln[:50]}…" for p, text in texts for ln in lines if ln in text]
    assert leaks == [], "third-party eval text found in the project:\n" + "\n".join(leaks)

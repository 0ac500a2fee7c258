"""Shared fixtures. Documents are built by hand from invented Arabic text; resources load once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def eval_dir() -> Path | None:
    """The shared gold set (../shared/eval), if this checkout has it."""
    env = os.environ.get("MARSAD_EVAL_DIR")
    cand = Path(env) if env else ROOT.parent / "shared" / "eval"
    return cand if (cand / "dev").is_dir() else None


@pytest.fixture(scope="session")
def pipeline():
    from marsad.pipeline import build_pipeline

    return build_pipeline()

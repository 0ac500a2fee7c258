"""Run the extractor over a gold folder and score it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from marsad.errors import ConfigError
from marsad.evaluate.scoring import Scores, score_predictions
from marsad.model import Document, ExtractionResult


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    if not gold_dir.is_dir():
        raise ConfigError(f"gold folder not found: {gold_dir}", value=str(gold_dir))
    arts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]
    if not arts:
        raise ConfigError(f"no gold articles (*.json) in {gold_dir}", value=str(gold_dir))
    return arts


def article_document(art: dict[str, Any]) -> Document:
    pub = art.get("published")
    published = dt.date.fromisoformat(pub[:10]) if isinstance(pub, str) and pub else None
    return Document(id=str(art["id"]), text=art["text"], url=art.get("url"), outlet=art.get("outlet"),
                    published=published, title=art.get("title"))


def predict(pipeline: Callable[[Document], ExtractionResult], arts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(a["id"]): pipeline(article_document(a)).to_prediction() for a in arts}


def evaluate_dir(gold_dir: Path, pipeline: Callable[[Document], ExtractionResult], *,
                 per_doc: bool = False) -> tuple[Scores, dict[str, dict[str, Any]]]:
    arts = load_gold(gold_dir)
    preds = predict(pipeline, arts)
    return score_predictions(arts, preds, per_doc=per_doc), preds

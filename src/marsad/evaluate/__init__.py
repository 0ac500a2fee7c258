"""Evaluation against gold articles (the schema of ``../shared/eval/README.md``)."""

from marsad.evaluate.scoring import LAYERS, score_predictions

__all__ = ["LAYERS", "score_predictions"]

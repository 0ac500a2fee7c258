"""Normalisation for matching (with an offset map) and segmentation into sentences and clauses."""

from marsad.normalize.fold import CharMap, Folded, default_charmap, fold, fold_text
from marsad.normalize.segment import Segmenter

__all__ = ["CharMap", "Folded", "Segmenter", "default_charmap", "fold", "fold_text"]

"""Recognisers: actors, places, times and quantities. One module per kind, one signature, lexicons as data."""

from marsad.recognize.base import Analysis, Stage

__all__ = ["Analysis", "Stage"]

"""Events: triggers → frames (who/whom/where/when/how many), modality, list expansion, merging."""

from marsad.events.extractor import EventExtractor, make_event_extractor

__all__ = ["EventExtractor", "make_event_extractor"]

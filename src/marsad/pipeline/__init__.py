"""Stage protocol, the default pipeline and runners."""

from marsad.pipeline.core import Pipeline, build_pipeline

__all__ = ["Pipeline", "build_pipeline"]

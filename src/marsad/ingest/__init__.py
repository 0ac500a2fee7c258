"""Sources → documents: robust readers for files, directories, stdin, HTML, JSON/JSONL, CSV and feeds.

See ``marsad.ingest.readers`` for the formats and the rejection codes.
"""

from marsad.ingest.base import Item, Rejection
from marsad.ingest.published import parse_published
from marsad.ingest.readers import DEFAULT_MAX_BYTES, read_bytes, read_file, read_sources

__all__ = ["DEFAULT_MAX_BYTES", "Item", "Rejection", "parse_published", "read_bytes", "read_file", "read_sources"]

"""Version strings. The extractor version is recorded on every fact."""

__version__ = "0.1.0"
EXTRACTOR_VERSION = "marsad-rules/0.1.0"

"""Per-app state: the backend, the config and caches keyed by the store's revision."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from marsad.api.backend import Backend
from marsad.api.config import ApiConfig
from marsad.api.readmodel import ReadModel

T = TypeVar("T")
REVISION_TTL = 1.0


class AppState:
    """Lives on ``app.state.marsad``. Caches are dropped when the backend's revision changes."""

    def __init__(self, backend: Backend, config: ApiConfig, *, cache_size: int = 256) -> None:
        self.backend = backend
        self.config = config
        self._lock = threading.Lock()
        self.read = ReadModel(backend.all_events, self.revision)
        self._seen: tuple[float, str] | None = None
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_size = cache_size
        self._revision: str | None = None

    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()
            self._revision = None
            self._seen = None

    def revision(self) -> str:
        """The backend's revision, re-read at most every ``REVISION_TTL`` seconds (writes through this app
        invalidate it at once; writes by other processes show within the TTL)."""
        now = time.monotonic()
        seen = self._seen
        if seen is not None and now - seen[0] < REVISION_TTL:
            return seen[1]
        rev = self.backend.revision()
        self._seen = (now, rev)
        return rev

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """Memoise ``compute()`` under ``key`` for the current revision (bounded LRU)."""
        rev = self.revision()
        with self._lock:
            if self._revision != rev:
                self._cache.clear()
                self._revision = rev
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

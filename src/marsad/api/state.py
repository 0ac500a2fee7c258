"""Per-app state: the backend, the config and caches keyed by the store's revision."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from marsad.api.backend import Backend
from marsad.api.config import ApiConfig
from marsad.api.grid import PointIndex

T = TypeVar("T")


class AppState:
    """Lives on ``app.state.marsad``. Caches are dropped when the backend's revision changes."""

    def __init__(self, backend: Backend, config: ApiConfig, *, cache_size: int = 256) -> None:
        self.backend = backend
        self.config = config
        self._lock = threading.Lock()
        self._index: tuple[str, PointIndex] | None = None
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_size = cache_size
        self._revision: str | None = None

    def invalidate(self) -> None:
        with self._lock:
            self._index = None
            self._cache.clear()
            self._revision = None

    def revision(self) -> str:
        return self.backend.revision()

    def point_index(self) -> PointIndex:
        rev = self.revision()
        with self._lock:
            if self._index is not None and self._index[0] == rev:
                return self._index[1]
        index = PointIndex.build(self.backend.points())
        with self._lock:
            self._index = (rev, index)
        return index

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

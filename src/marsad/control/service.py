"""One entry point for the control layer over a store, with its work cached per store revision.

``ControlService`` builds, once, the timeline (from the store's facts and the saved baselines), the area
model (from the boundaries and gazetteer) and the share index, and keeps them on disk in the control
directory keyed by what they depend on (store revision, reconciliation rule, baselines, geometry
fingerprint). A share query then costs one vectorised look-up, however many events are stored.

Control directory: ``$MARSAD_CONTROL_DIR`` if set, else ``~/.local/share/marsad/control/<hash of store url>``.
It holds ``baselines/*.geojson`` (imported snapshots) and ``cache/*.pkl`` (derived, safe to delete).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from marsad.control.agreements import Agreement, agreements_from_source
from marsad.control.area import AreaModel, GeoContext, build_area_model
from marsad.control.baseline import Baseline
from marsad.control.blocs import Blocs
from marsad.control.claims import ClaimsReport, check_claims, claims_from_docs
from marsad.control.records import ReconcileRule
from marsad.control.shares import Metric, Precedence, ShareIndex, ShareResult, build_share_index
from marsad.control.sieges import SiegeRecord, sieges_from_source
from marsad.control.sites import Site, SiteStatus, site_statuses
from marsad.control.source import FactSource
from marsad.control.timeline import Timeline, timeline_from_source
from marsad.errors import ConfigError

CACHE_VERSION = "control-cache-1"


def control_dir_for(store_url: str) -> Path:
    """Where a store's baselines and control cache live."""
    env = os.environ.get("MARSAD_CONTROL_DIR")
    if env:
        return Path(env).expanduser()
    digest = hashlib.sha1(store_url.encode("utf-8")).hexdigest()[:12]
    return Path.home() / ".local" / "share" / "marsad" / "control" / digest


def save_baseline(control_dir: Path, baseline: Baseline) -> Path:
    folder = control_dir / "baselines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{baseline.name}.geojson"
    path.write_text(json.dumps(baseline.to_geojson(), ensure_ascii=False), encoding="utf-8")
    return path


def load_baselines(control_dir: Path | None) -> tuple[Baseline, ...]:
    if control_dir is None or not (control_dir / "baselines").is_dir():
        return ()
    out = []
    for path in sorted((control_dir / "baselines").glob("*.geojson")):
        try:
            out.append(Baseline.from_geojson(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"saved baseline {path} is unreadable: {exc}", value=str(path)) from exc
    return tuple(out)


@dataclass(frozen=True)
class ControlSettings:
    """Options of the control layer, grouped (each is stated in the outputs that depend on it)."""

    rule: ReconcileRule = field(default_factory=ReconcileRule)
    precedence: Precedence = "recent"
    populated_km: float = 10.0
    default_date: dt.date | None = None  # dates the undated facts of documents without a publication date


class _DiskCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, kind: str, key: str) -> Any:
        if self.folder is None:
            return None
        path = self.folder / f"{kind}-{key}.pkl"
        if not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{kind}-{key}.{os.getpid()}.tmp"
            with tmp.open("wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.folder / f"{kind}-{key}.pkl")
            for old in self.folder.glob(f"{kind}-*.pkl"):
                if old.name != f"{kind}-{key}.pkl":
                    old.unlink(missing_ok=True)
        except OSError:
            return  # a cache that cannot be written only costs time


@cache
def code_version() -> str:
    """A digest of the control modules' source: cached objects from other code versions are never reused."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    folder = Path(__file__).parent
    for name in ("records", "units", "timeline", "area", "shares", "baseline", "source"):
        path = folder / f"{name}.py"
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]


class ControlService:
    """Timeline, shares, sieges, sites, agreements and claims over one ``FactSource``."""

    def __init__(self, source: FactSource, *, geo: GeoContext | None = None,
                 settings: ControlSettings | None = None, control_dir: Path | None = None,
                 baselines: Sequence[Baseline] | None = None) -> None:
        self.source = source
        self._geo = geo
        self.settings = settings or ControlSettings()
        self.control_dir = control_dir
        self.baselines = tuple(baselines) if baselines is not None else load_baselines(control_dir)
        self._cache = _DiskCache(control_dir / "cache" if control_dir else None)

    @property
    def geo(self) -> GeoContext:
        if self._geo is None:
            from marsad.control.geo_context import GazetteerGeo

            self._geo = GazetteerGeo()
        return self._geo

    @cached_property
    def revision(self) -> str:
        return self.source.revision()

    def _timeline_key(self) -> str:
        base = [json.dumps(b.to_geojson(), sort_keys=True) for b in self.baselines]
        return _key(code_version(), self.revision, json.dumps(self.settings.rule.to_dict(), sort_keys=True),
                    self.settings.default_date, *base)

    def _geo_key(self) -> str | None:
        fp = getattr(self.geo, "fingerprint", None)
        return _key(code_version(), fp(), self.settings.populated_km) if callable(fp) else None

    @cached_property
    def timeline(self) -> Timeline:
        key = self._timeline_key()
        cached = self._cache.get("timeline", key)
        if isinstance(cached, Timeline):
            return cached
        obs = [o for b in self.baselines for o in b.observations()]
        tl = timeline_from_source(self.source, rule=self.settings.rule, baseline=obs,
                                  default_date=self.settings.default_date)
        self._cache.put("timeline", key, tl)
        return tl

    @cached_property
    def area_model(self) -> AreaModel:
        key = self._geo_key()
        cached = self._cache.get("area", key) if key else None
        if isinstance(cached, AreaModel):
            return cached
        model = build_area_model(self.geo, populated_km=self.settings.populated_km)
        if key:
            self._cache.put("area", key, model)
        return model

    @cached_property
    def share_index(self) -> ShareIndex:
        gkey = self._geo_key()
        key = _key(self._timeline_key(), gkey) if gkey else None
        cached = self._cache.get("index", key) if key else None
        if isinstance(cached, ShareIndex):
            return cached
        polygons = {uid: g for b in self.baselines for uid, g in b.polygons.items()}
        index = build_share_index(self.timeline, self.area_model, geo=self.geo, polygons=polygons)
        if key:
            self._cache.put("index", key, index)
        return index

    def shares(self, day: dt.date, *, metric: Metric = "total", blocs: Blocs) -> ShareResult:
        return self.share_index.shares(day, metric=metric, blocs=blocs, precedence=self.settings.precedence)

    def sieges(self) -> tuple[SiegeRecord, ...]:
        return sieges_from_source(self.source)

    def agreements(self) -> tuple[Agreement, ...]:
        return agreements_from_source(self.source)

    def claims(self, blocs: Blocs, *, fallback: dt.date | None = None) -> ClaimsReport:
        items = claims_from_docs(self.source.documents(), text_of=self.source.text)
        return check_claims(items, lambda day, metric, b: self.shares(day, metric=metric, blocs=b), blocs,
                            fallback=fallback or self.settings.default_date)

    def sites(self, *, day: dt.date | None = None, kind: str | None = None,
              sites: Sequence[Site] | None = None) -> tuple[SiteStatus, ...]:
        if sites is None:
            getter = getattr(self.geo, "sites", None)
            if not callable(getter):
                raise ConfigError("no site list: the geometry context has no gazetteer sites")
            sites = getter()
        index = self.share_index if day is not None else None
        return site_statuses(tuple(sites or ()), self.timeline, day=day, index=index, kind=kind)

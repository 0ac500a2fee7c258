"""marsad's HTTP API (FastAPI): documents, events, control, sieges, sites, claims, exports, health.

``create_app(backend, config=ApiConfig(...))`` builds the ASGI app; ``marsad serve`` runs it with uvicorn.
"""

from marsad.api.app import create_app
from marsad.api.backend import Backend, EventQuery
from marsad.api.config import ApiConfig

__all__ = ["ApiConfig", "Backend", "EventQuery", "create_app"]

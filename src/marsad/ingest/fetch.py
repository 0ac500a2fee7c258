"""URLs and feed URLs: fetched with a timeout, a size limit and a user-agent, then read like files.

``read_url`` yields documents or rejections like ``read_sources``: an HTML page becomes one article
(trafilatura), a feed one document per entry (or, with ``follow_links``, the article of each entry's page),
JSON/JSONL/text bodies are read as such. Network and HTTP errors are ``FetchError`` (M107) rejections.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace

from marsad.errors import FetchError, MarsadError, TooLargeError
from marsad.ingest.base import Item, Rejection
from marsad.ingest.readers import DEFAULT_MAX_BYTES, read_bytes
from marsad.ingest.web import feed_items, is_feed
from marsad.model import Document
from marsad.version import __version__

DEFAULT_USER_AGENT = f"marsad/{__version__} (Arabic conflict observatory; +https://pypi.org/project/marsad/)"


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 20.0
    max_bytes: int = DEFAULT_MAX_BYTES
    user_agent: str = DEFAULT_USER_AGENT
    follow_links: bool = False


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    final_url: str
    content_type: str
    data: bytes


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(url: str, options: FetchOptions = FetchOptions()) -> Fetched:
    """GET ``url``. Raises ``FetchError`` (M107) or ``TooLargeError`` (M104); never reads past the limit."""
    if not is_url(url):
        raise FetchError(f"only http:// and https:// URLs are fetched, not {url!r}", value=url)
    req = urllib.request.Request(url, headers={"User-Agent": options.user_agent, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(req, timeout=options.timeout) as resp:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > options.max_bytes:
                raise TooLargeError(f"{url} is {int(length):,} bytes, over the limit of {options.max_bytes:,}",
                                    value=int(length))
            data = resp.read(options.max_bytes + 1)
            if len(data) > options.max_bytes:
                raise TooLargeError(f"{url} is over the limit of {options.max_bytes:,} bytes", value=options.max_bytes)
            return Fetched(url, resp.geturl(), resp.headers.get("Content-Type", ""), data)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}", value=exc.code) from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: {exc.reason}", value=url) from None
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {options.timeout:g} s", value=url) from None
    except OSError as exc:
        raise FetchError(f"{url}: {exc}", value=url) from None


def _kind(fetched: Fetched) -> str | None:
    ctype = fetched.content_type.split(";")[0].strip().lower()
    if ctype in ("application/rss+xml", "application/atom+xml") or is_feed(fetched.data[:2048]):
        return "feed"
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if ctype in ("application/json",):
        return "json"
    if ctype in ("application/x-ndjson", "application/jsonl"):
        return "jsonl"
    return None


def read_url(url: str, options: FetchOptions = FetchOptions()) -> Iterator[Item]:
    """Documents (or rejections) from one URL: a page, a feed, or a JSON/JSONL/text body."""
    try:
        fetched = fetch(url, options)
    except MarsadError as exc:
        yield Rejection.from_error(exc, source=url, doc_id=url)
        return
    kind = _kind(fetched)
    if kind == "feed" and options.follow_links:
        page_options = replace(options, follow_links=False)
        for item in feed_items(fetched.data, source=url):
            if isinstance(item, Rejection) or not item.url or not is_url(item.url):
                yield item
                continue
            for page in read_url(item.url, page_options):
                if isinstance(page, Document):  # the feed entry fills in what the page lacks
                    page = replace(page, published=page.published or item.published, title=page.title or item.title,
                                   outlet=page.outlet or item.outlet)
                yield page
        return
    yield from read_bytes(fetched.data, source=url, doc_id=url, kind=kind, url=fetched.final_url)

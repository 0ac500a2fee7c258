"""HTML pages (article extraction with trafilatura, offline) and RSS/Atom feeds (feedparser).

``html_item`` keeps the article: title, date, author and body, with navigation, ads and footers dropped.
``feed_items`` turns each feed entry into a document (full ``content`` when the feed carries it, else the
summary); the caller may fetch each entry's page instead (see ``marsad.ingest.fetch``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marsad.ingest.base import Item, Rejection, make_document

#: HTML larger than this is refused before parsing (trafilatura builds a full tree).
MAX_HTML_BYTES = 5_000_000


def html_item(html: str, *, source: str, doc_id: str, url: str | None = None) -> Item:
    """Extract the article of an HTML page (``M105`` when no article can be found)."""
    if len(html) > MAX_HTML_BYTES:
        return Rejection(source, doc_id, "M104", f"HTML page has {len(html):,} characters, over the limit of "
                         f"{MAX_HTML_BYTES:,} for article extraction")
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception as exc:  # trafilatura/lxml raise many error types on broken markup
        return Rejection(source, doc_id, "M105", f"malformed HTML: {type(exc).__name__}: {exc}")
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        return Rejection(source, doc_id, "M105", "HTML page has no extractable article text")
    meta: dict[str, Any] = {}
    author = getattr(doc, "author", None)
    if author:
        meta["author"] = author
    return make_document(doc_id=doc_id, text=text, source=source, fmt="html", published=getattr(doc, "date", None),
                         url=url or getattr(doc, "url", None), outlet=getattr(doc, "sitename", None),
                         title=getattr(doc, "title", None), extra_meta=meta)


def _strip_html(fragment: str) -> str:
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:  # lxml raises ParserError on garbage; fall back to the raw text
        return fragment.strip()
    for br in root.iter("br", "p", "div", "li"):
        br.tail = "\n" + (br.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())


def is_feed(head: bytes | str) -> bool:
    """Whether the start of a document looks like an RSS or Atom feed."""
    s = head[:2048].lower() if isinstance(head, str) else head[:2048].lower().decode("latin-1")
    return "<rss" in s or ("<feed" in s and "atom" in s) or "<rdf:rdf" in s


def feed_items(data: bytes | str, *, source: str) -> Iterator[Item]:
    """Each entry of an RSS/Atom feed as a document (id: the entry id, its link, or ``SOURCE:N``)."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        reason = str(parsed.get("bozo_exception") or "no entries")
        yield Rejection(source, None, "M105" if parsed.get("bozo") else "M103", f"feed has no entries: {reason}")
        return
    outlet = (parsed.get("feed") or {}).get("title")
    for n, entry in enumerate(entries, start=1):
        doc_id = str(entry.get("id") or entry.get("link") or f"{source}:{n}")
        contents = entry.get("content") or []
        body = max((c.get("value", "") for c in contents), key=len, default="")
        summary = entry.get("summary") or ""
        text = _strip_html(body if len(body) >= len(summary) else summary)
        yield make_document(doc_id=doc_id, text=text, source=source, fmt="feed",
                            published=entry.get("published") or entry.get("updated"), url=entry.get("link"),
                            outlet=outlet, title=entry.get("title"))

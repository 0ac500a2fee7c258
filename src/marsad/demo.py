"""The bundled sample corpus (invented reporting written for marsad) and a readable summary of what marsad reads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources

from marsad.evaluate.run import article_document
from marsad.model import Document, ExtractionResult


def demo_documents() -> list[Document]:
    folder = resources.files("marsad.data").joinpath("demo")
    docs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            docs.append(article_document(json.loads(entry.read_text(encoding="utf-8"))))
    return docs


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def summarize(results: Sequence[ExtractionResult]) -> str:
    """A plain-text report: events, control facts, sieges and quantities, each with its Arabic evidence."""
    lines: list[str] = []
    n_ev = sum(len(r.events) for r in results)
    lines.append(f"marsad demo: {len(results)} documents, {n_ev} events, "
                 f"{sum(len(r.control) for r in results)} control facts, {sum(len(r.sieges) for r in results)} sieges, "
                 f"{sum(len(r.quantities) for r in results)} quantities, "
                 f"{sum(len(r.suppressed) for r in results)} statements held back as hypothetical/opinion/etc.")
    lines.append("")
    lines.append("EVENTS")
    lines.append(f"{'doc':8} {'date':10} {'type':36} {'actor1':30} {'actor2':24} place")
    for r in results:
        for e in r.events:
            place = (e.place.name_en or e.place.surface) if e.place else "-"
            lines.append(f"{r.document.id[:8]:8} {e.date or '-':10} {e.type:36} {e.actor1 or '-':30} "
                         f"{e.actor2 or '-':24} {place}")
            lines.append(f"{'':8} «{_clip(e.provenance.span.text(r.document.text), 110)}»")
    lines.append("")
    lines.append("CONTROL")
    for r in results:
        for c in r.control:
            prev = f" (from {c.previous})" if c.previous else ""
            lines.append(f"{r.document.id[:8]:8} {c.controller} holds {c.place.name_en or c.place.surface}{prev}")
            lines.append(f"{'':8} «{_clip(c.provenance.span.text(r.document.text), 110)}»")
    lines.append("")
    lines.append("SIEGES")
    for r in results:
        for s in r.sieges:
            since = f" since {s.since}" if s.since else ""
            lines.append(f"{r.document.id[:8]:8} {s.place.name_en or s.place.surface}: {s.status}{since} "
                         f"(besieger {s.besieger or '?'}, besieged {s.besieged or '?'})")
            lines.append(f"{'':8} «{_clip(s.provenance.span.text(r.document.text), 110)}»")
    lines.append("")
    lines.append("QUANTITIES")
    for r in results:
        for q in r.quantities:
            unit = "%" if q.unit == "percent" else f" {q.unit}"
            lines.append(f"{r.document.id[:8]:8} {q.metric}: {q.value:g}{unit} subject={q.subject or '-'}"
                         f"{' hedge=' + q.hedge if q.hedge else ''}{' baseline=' + q.baseline if q.baseline else ''}")
            lines.append(f"{'':8} «{_clip(q.provenance.span.text(r.document.text), 110)}»")
    held = [(r, f) for r in results for f in r.suppressed]
    if held:
        lines.append("")
        lines.append("HELD BACK (not facts: hypothetical, future, negated, demanded or opinion)")
        for r, f in held:
            ev = _clip(f.provenance.span.text(r.document.text), 100)
            lines.append(f"{r.document.id[:8]:8} [{f.modality}] «{ev}»")
    return "\n".join(lines)

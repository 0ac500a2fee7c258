"""Any text at all: extraction never raises, and every span points inside the original text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.errors import MarsadError
from marsad.model import Document

WORDS = ["سيطرت", "قوات", "النظام", "على", "بلدة", "في", "ريف", "حلب", "الشرقي", "وفي", "حال", "فك", "الحصار",
         "عن", "مطار", "T4", "،", ".", "«", "»", "46%", "١٩", "كانون", "الثاني", "2017", "داعش", "قسد", "و",
         "اشتباكات", "بين", "\n", "-", "اتفاق", "ال", "ـ", "ً", "\u200f", "؟", "…", "(", ")", "137", "اللواء"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=60),
       st.sampled_from([None, "2017-11-01", "2025-03-01"]))
def test_extract_never_raises_and_spans_are_in_range(pipeline, words, published):
    import datetime as dt

    text = " ".join(words)
    doc = Document(id="fuzz", text=text, published=dt.date.fromisoformat(published) if published else None)
    try:
        res = pipeline(doc)
    except MarsadError as exc:  # empty text is a typed rejection, never a crash
        assert exc.code == "M103"
        return
    n = len(text)
    for m in (*res.actors, *res.places, *res.times):
        assert 0 <= m.span.start <= m.span.end <= n
        assert m.surface == text[m.span.start : m.span.end] or not m.surface.strip()
    for f in (*res.events, *res.control, *res.sieges, *res.quantities, *res.suppressed):
        p = f.provenance
        assert 0 <= p.span.start < p.span.end <= n and p.sentence.contains(p.span)
    res.to_prediction(include_suppressed=True)

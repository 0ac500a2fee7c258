"""Resolving matched time expressions to ISO values (the arithmetic half of ``recognize.times``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from marsad.model.mentions import TimePrecision
from marsad.recognize.numbers import NumberFinder

TimeKind = Literal["point", "since", "until", "duration"]


@dataclass(frozen=True)
class TimeLexicon:
    """Folded month names (→ month, needs context), time words by kind (→ key, count) and hedges (→ hedge)."""

    months: dict[str, tuple[int, bool]]
    words: dict[str, dict[str, tuple[str, int]]]
    hedges: dict[str, str]


class Cand(NamedTuple):
    """A match in the folded text: ``rule`` names the pattern; ``kind`` is set by a «منذ/حتى» before it."""

    start: int
    end: int
    rule: str
    m: re.Match[str]
    weekday: str | None = None
    kind: TimeKind = "point"


class Resolved(NamedTuple):
    value: str | None
    precision: TimePrecision
    relative: bool = False
    kind: TimeKind = "point"
    warning: str | None = None
    anchor_shift: int | None = None  # «غداة» (-1), «عشية» (+1): dated from the nearest day in the sentence


_ARTICLE = re.compile(r"^ال\s*")


def valid_date(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def shift_months(y: int, m: int, k: int) -> tuple[int, int]:
    """``(y, m)`` moved by ``k`` months."""
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


_STEP = {"past": -1, "next": 1}


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _norm(s: str) -> str:
    return " ".join(s.split())


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _weekday_check(lex: TimeLexicon, wd: str | None, day: dt.date | None) -> str | None:
    if wd is None or day is None:
        return None
    iso = int(lex.words["weekday"][_norm(wd)][0])
    if iso != day.isoweekday():
        return f"weekday does not match {day.isoformat()} in"
    return None


def resolve(c: Cand, ref: dt.date | None, last_month: tuple[int, int] | None, lex: TimeLexicon,
            finder: NumberFinder) -> Resolved:
    """The ISO value, precision and kind of one candidate, against ``ref`` (the reference date)."""
    m = c.m
    r = _RESOLVERS[c.rule](c, m, ref, last_month, lex, finder)
    if c.kind != "point" and r.kind == "point":
        r = r._replace(kind=c.kind)
    return r


def _numeric(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
             f: NumberFinder) -> Resolved:
    if m.group("y4"):
        return Resolved(_ym(int(m.group("y4")), int(m.group("m4"))), "month")
    if m.group("y1"):
        y, mo, d = int(m.group("y1")), int(m.group("m1")), int(m.group("d1"))
    else:
        y, mo, d = int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))
        if mo > 12 and d <= 12:  # an unambiguous month-first date (04/25/2019)
            mo, d = d, mo
    if not valid_date(y, mo, d):
        return Resolved(None, "day", warning="impossible date")
    return Resolved(dt.date(y, mo, d).isoformat(), "day")


def _day_number(m: re.Match[str], f: NumberFinder) -> int | None:
    raw = _norm(m.group("day"))
    return int(raw) if raw.isdigit() else f.ordinal(raw)


def _year_for(month: int, day: int, rel: str | None, ref: dt.date | None,
              lm: tuple[int, int] | None) -> int | None:
    if ref is None:
        return lm[0] if lm and rel is None else None
    y = ref.year
    if rel == "past":
        return y if (month, day) < (ref.month, ref.day) else y - 1
    if rel == "next":
        return y if (month, day) > (ref.month, ref.day) else y + 1
    if rel == "current":
        return y
    try:
        if dt.date(y, month, min(day, 28)) > ref + dt.timedelta(days=60):
            return y - 1
    except ValueError:
        return y
    return y


def _rel_key(lex: TimeLexicon, word: str | None) -> str | None:
    if word is None:
        return None
    return lex.words["relation"].get(_norm(word), (None, 0))[0]


def _dmy(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
         f: NumberFinder) -> Resolved:
    month = lex.months[_norm(m.group("mon"))][0]
    day = _day_number(m, f)
    if day is None:
        return Resolved(None, "day")
    stated = m.group("year")
    rel = _rel_key(lex, m.group("rel"))
    yrel = _rel_key(lex, m.group("yrel"))
    year: int | None
    if yrel is not None:
        year = None if ref is None else ref.year + _STEP.get(yrel, 0)
    elif rel == "current" and ref is not None:
        year = ref.year
    else:
        year = int(stated) if stated else _year_for(month, day, rel, ref, lm)
    if year is None:
        return Resolved(None, "day", relative=True)
    if not valid_date(year, month, day):
        return Resolved(None, "day", relative=not stated, warning="impossible date")
    date = dt.date(year, month, day)
    return Resolved(date.isoformat(), "day", relative=not stated,
                    warning=_weekday_check(lex, m.group("wd"), date))


def _my(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
        f: NumberFinder) -> Resolved:
    return Resolved(_ym(int(m.group("year")), lex.months[_norm(m.group("mon"))][0]), "month")


def _month(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
           f: NumberFinder) -> Resolved:
    month = lex.months[_norm(m.group("mon"))][0]
    rel = _rel_key(lex, m.group("rel"))
    yrel = _rel_key(lex, m.group("yrel"))
    if yrel is not None:
        return Resolved(None if ref is None else _ym(ref.year + _STEP.get(yrel, 0), month), "month", relative=True)
    if ref is None:
        if lm is not None and rel in (None, "same"):
            return Resolved(_ym(lm[0], month), "month", relative=True)
        return Resolved(None, "month", relative=True)
    y = ref.year
    if rel == "past":
        y = y if month < ref.month else y - 1
    elif rel == "next":
        y = y if month > ref.month else y + 1
    elif rel is None and month > ref.month + 2:
        y -= 1
    return Resolved(_ym(y, month), "month", relative=True)


def _year(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
          f: NumberFinder) -> Resolved:
    return Resolved(m.group("year"), "year")


def _relunit(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
             f: NumberFinder) -> Resolved:
    unit = _norm(m.group("unit"))
    rel = "current" if m.group("this") and not m.group("rel") else _rel_key(lex, m.group("rel"))
    step = {"past": -1, "next": 1}.get(rel or "", 0)
    if unit == "الاسبوع":
        if ref is None:
            return Resolved(None, "week", relative=True)
        return Resolved((ref + dt.timedelta(days=7 * step)).isoformat(), "week", relative=True)
    if unit == "الشهر":
        if rel == "same":
            return Resolved(_ym(*lm) if lm else None, "month", relative=True)
        if ref is None:
            return Resolved(None, "month", relative=True)
        return Resolved(_ym(*shift_months(ref.year, ref.month, step)), "month", relative=True)
    if rel == "same":
        return Resolved(f"{lm[0]:04d}" if lm else None, "year", relative=True)
    if ref is None:
        return Resolved(None, "year", relative=True)
    return Resolved(f"{ref.year + step:04d}", "year", relative=True)


_KIND_OF_PREP = {"since": "since", "ago": "point", "within": "duration"}


def _period(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
            f: NumberFinder) -> Resolved:
    prep = _norm(m.group("prep"))
    prep_key = next(k for k in ("since", "ago", "within") if prep in lex.words[k])
    kind: TimeKind = _KIND_OF_PREP[prep_key]  # type: ignore[assignment]
    unit, count = lex.words["unit"][_norm(m.group("unit"))]
    raw = m.group("num")
    n: float | None
    if raw is not None:
        raw = _ARTICLE.sub("", _norm(raw))
        found = f.find(raw)
        n = found[0].value if len(found) == 1 and found[0].value is not None else None
    else:
        n = float(count) if count else None
    if kind == "duration" or m.group("rel"):
        return Resolved(None, "vague", relative=True, kind=kind)
    if n is None or ref is None:
        return Resolved(None, "vague" if n is None else _UNIT_PRECISION[unit], relative=True, kind=kind)
    k = round(n)
    if unit == "year":
        return Resolved(f"{ref.year - k:04d}", "year", relative=True, kind=kind)
    if unit == "month":
        return Resolved(_ym(*shift_months(ref.year, ref.month, -k)), "month", relative=True, kind=kind)
    days = {"week": 7 * k, "day": k}.get(unit, 0)
    return Resolved((ref - dt.timedelta(days=days)).isoformat(), _UNIT_PRECISION[unit], relative=True, kind=kind)


_UNIT_PRECISION: dict[str, TimePrecision] = {"year": "year", "month": "month", "week": "week", "day": "day",
                                             "hour": "day", "minute": "day"}

_DAY_OFFSETS = {"اليوم": 0, "الليله": 0, "امس": -1, "البارحه": -1, "غدا": 1}


def _dayrel(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
            f: NumberFinder) -> Resolved:
    word = _norm(m.group("w"))
    anchor: int | None = None
    if word in _DAY_OFFSETS:
        off = _DAY_OFFSETS[word]
    elif word.startswith("اول"):
        off = -2
    elif word.endswith("امس"):
        off = -1
    elif word in ("غداه", "عشيه"):
        off = anchor = -1 if word == "غداه" else 1
    else:  # «الليلة الماضية»: reports date last night's events to the day of publication
        off = 0
    if ref is None:
        return Resolved(None, "day", relative=True, anchor_shift=anchor)
    day = ref + dt.timedelta(days=off)
    return Resolved(day.isoformat(), "day", relative=True, anchor_shift=anchor,
                    warning=_weekday_check(lex, c.weekday, day))


def _weekday(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
             f: NumberFinder) -> Resolved:
    if ref is None:
        return Resolved(None, "day", relative=True)
    iso = int(lex.words["weekday"][_norm(m.group("wd"))][0])
    rel = _rel_key(lex, m.group("rel"))
    if rel == "next":
        delta = (iso - ref.isoweekday()) % 7 or 7
        return Resolved((ref + dt.timedelta(days=delta)).isoformat(), "day", relative=True)
    back = (ref.isoweekday() - iso) % 7
    if rel == "past" and back == 0:
        back = 7
    return Resolved((ref - dt.timedelta(days=back)).isoformat(), "day", relative=True)


def _drel(c: Cand, m: re.Match[str], ref: dt.date | None, lm: tuple[int, int] | None, lex: TimeLexicon,
          f: NumberFinder) -> Resolved:
    day = _day_number(m, f)
    rel = "current" if m.group("rel2") or m.group("this") else _rel_key(lex, m.group("rel"))
    ym: tuple[int, int] | None
    if rel == "same":
        ym = lm
    elif ref is None:
        ym = None
    else:
        ym = shift_months(ref.year, ref.month, {"past": -1, "next": 1}.get(rel or "", 0))
    if ym is None or day is None:
        return Resolved(None, "day", relative=True)
    if not valid_date(ym[0], ym[1], day):
        return Resolved(None, "day", relative=True, warning="impossible date")
    return Resolved(dt.date(ym[0], ym[1], day).isoformat(), "day", relative=True)


_RESOLVERS = {
    "drel": _drel,
    "numeric": _numeric, "dmy": _dmy, "my": _my, "month": _month, "year": _year, "bare_year": _year,
    "relunit": _relunit, "period": _period, "dayrel": _dayrel, "weekday": _weekday,
}

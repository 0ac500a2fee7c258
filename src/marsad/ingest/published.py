"""Parse a document's ``published`` value into a date.

Accepted: ``YYYY-MM-DD``; full ISO 8601 datetimes (``2019-08-14T10:00:00Z``, with offsets); RFC 2822 dates
as in RSS (``Wed, 14 Aug 2019 10:00:00 +0000``); ``YYYY/MM/DD``, ``YYYY.MM.DD``; day-first ``DD/MM/YYYY``,
``DD-MM-YYYY`` and ``DD.MM.YYYY``; ``14 August 2019``, ``Aug 14, 2019``; Arabic month names, Levantine and
Modern Standard («14 آب 2019», «14 أغسطس 2019»), with Arabic-Indic digits; Unix timestamps (seconds).
Anything else raises :class:`~marsad.errors.MetadataWarning` (M150): the caller keeps the document with
``published=None`` and records the warning.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from types import MappingProxyType

from marsad.errors import MetadataWarning

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "jan", "يناير", "كانون الثاني", "كانون ثاني"),
    ("february", "feb", "فبراير", "شباط"),
    ("march", "mar", "مارس", "آذار", "اذار"),
    ("april", "apr", "أبريل", "ابريل", "إبريل", "نيسان"),
    ("may", "مايو", "أيار", "ايار"),
    ("june", "jun", "يونيو", "يونيه", "حزيران"),
    ("july", "jul", "يوليو", "يوليه", "تموز"),
    ("august", "aug", "أغسطس", "اغسطس", "آب", "اب"),
    ("september", "sep", "sept", "سبتمبر", "أيلول", "ايلول"),
    ("october", "oct", "أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول", "تشرين أول", "تشرين اول"),
    ("november", "nov", "نوفمبر", "تشرين الثاني", "تشرين ثاني"),
    ("december", "dec", "ديسمبر", "كانون الأول", "كانون الاول", "كانون أول", "كانون اول"),
)
_MONTHS: Mapping[str, int] = MappingProxyType(
    {name: num for num, names in enumerate(_MONTH_NAMES, start=1) for name in names})

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_SEP = r"[\s,/\-.]*"
_DAY_MONTH_YEAR = re.compile(
    rf"^(\d{{1,2}}){_SEP}({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?{_SEP}(\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"^({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|\s)")
_WEEKDAY = re.compile(r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+|(?:ال)?(?:سبت|أحد|احد|اثنين|إثنين|ثلاثاء|"
                      r"أربعاء|اربعاء|خميس|جمعة)[،,]?\s+)", re.IGNORECASE)

MIN_YEAR, MAX_YEAR = 1900, 2100


def _checked(year: int, month: int, day: int, raw: object) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise MetadataWarning(f"published year {year} out of range in {raw!r}", value=raw)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise MetadataWarning(f"bad published date {raw!r}: {exc}", value=raw) from None


def parse_published(value: object) -> dt.date | None:
    """A date from a ``published`` value; ``None`` for null/empty; ``MetadataWarning`` (M150) when unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise MetadataWarning(f"bad published value {value!r}", value=value)
    if isinstance(value, (int, float)):
        if 0 < value < 4_102_444_800:  # Unix seconds up to 2100
            return dt.datetime.fromtimestamp(value, tz=dt.UTC).date()
        raise MetadataWarning(f"bad published timestamp {value!r}", value=value)
    if not isinstance(value, str):
        raise MetadataWarning(f"bad published value of type {type(value).__name__}", value=repr(value)[:80])
    raw = value
    s = " ".join(value.translate(_DIGITS).split())
    if not s:
        return None
    if len(s) > 80:
        raise MetadataWarning(f"published value too long ({len(s)} characters)", value=s[:80])
    m = _YMD.match(s)
    if m:
        date = _checked(int(m[1]), int(m[2]), int(m[3]), raw)
        if "T" in s or " " in s:
            try:
                return dt.datetime.fromisoformat(s.replace(" ", "T", 1)).date()
            except ValueError:
                pass
        return date
    m = _DMY.match(s)
    if m:
        return _checked(int(m[3]), int(m[2]), int(m[1]), raw)
    if s.isdigit() and len(s) in (9, 10):
        return parse_published(int(s))
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _checked(parsed.year, parsed.month, parsed.day, raw)
    s = _WEEKDAY.sub("", s)
    m = _DAY_MONTH_YEAR.match(s)
    if m:
        return _checked(int(m[3]), _MONTHS[m[2].lower()], int(m[1]), raw)
    m = _MONTH_DAY_YEAR.match(s)
    if m:
        return _checked(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), raw)
    raise MetadataWarning(f"unreadable published date {raw!r}", value=raw)

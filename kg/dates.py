"""Dates of articles and periods of facts: one written form, ISO, so that strings compare as dates.

An article's date becomes ``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY`` when it
says less); a period bound given by a user (``--since 2024``, ``-p
until=2024-06``) becomes a full day, the first day of the period for *since*
and the last for *until*. Facts carry the dates of their first and last
evidence article (``first_date``, ``last_date``), and a fact is *in a period*
when some of its evidence falls in it as far as those two dates tell: it was
reported on or before *until* and on or after *since*.
"""

from __future__ import annotations

import re

__all__ = ["in_period", "iso_date", "period_bound"]

_DATE = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?\s*$")


def iso_date(text: str | None) -> str:
    """The ISO form of a written date; ``""`` when it is not a date.

    >>> iso_date("2024/5/1"), iso_date("2024年5月"), iso_date("2025-07-18"), iso_date("soon")
    ('2024-05-01', '2024-05', '2025-07-18', '')
    """
    m = _DATE.match(text or "")
    if m is None:
        return ""
    y, mo, d = m.groups()
    if mo is None:
        return y
    if not 1 <= int(mo) <= 12 or (d is not None and not 1 <= int(d) <= 31):
        return ""
    return f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")


def period_bound(text: str | None, *, end: bool) -> str:
    """A period bound as a full day (``""`` for no bound); raises ValueError when it is not a date.

    >>> period_bound("2024", end=False), period_bound("2024", end=True), period_bound("2024-02", end=True)
    ('2024-01-01', '2024-12-31', '2024-02-31')
    >>> period_bound("", end=True)
    ''
    """
    if not (text or "").strip():
        return ""
    iso = iso_date(text)
    if not iso:
        raise ValueError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    parts = iso.split("-")
    # "-31" for any month: only compared as a string, against real dates
    fill = {1: ("12", "31"), 2: ("31",)} if end else {1: ("01", "01"), 2: ("01",)}
    return "-".join([*parts, *fill.get(len(parts), ())])


def in_period(first: str | None, last: str | None, since: str = "", until: str = "") -> bool:
    """True when a fact reported from *first* to *last* has evidence in [since, until] (full-day bounds).

    An undated fact is in every unbounded period and in no bounded one.

    >>> in_period("2024-03-01", "2025-01-05", since="2024-06-01", until="2024-12-31")
    True
    >>> in_period("2023-01-01", "2023-02-01", since="2024-01-01"), in_period(None, None)
    (False, True)
    """
    if not since and not until:
        return True
    if not first or not last:
        return False
    return (not since or last >= since) and (not until or first <= until)

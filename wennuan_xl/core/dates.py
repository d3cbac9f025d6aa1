"""Dates a letter names: the resubmission deadline of a feedback copy."""

from __future__ import annotations

import datetime as dt


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day (Monday to Friday) after ``day``: a letter dated Friday 2017-01-20 with
    three working days asks for Wednesday 2017-01-25. Public holidays are not known here; the clerk
    sets another date with ``--resubmit-by`` or on 设置 when one falls in between."""
    out = day
    while n > 0:
        out += dt.timedelta(days=1)
        if out.weekday() < 5:
            n -= 1
    return out


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"

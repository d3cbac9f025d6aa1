"""A feedback letter's resubmission date: working days after the letter's date."""

import datetime as dt

import pytest

from wennuan_xl.core.dates import add_working_days


@pytest.mark.parametrize("day, later", [
    (dt.date(2017, 1, 16), dt.date(2017, 1, 19)),  # Monday -> Thursday
    (dt.date(2017, 1, 19), dt.date(2017, 1, 24)),  # Thursday -> Tuesday, over the weekend
    (dt.date(2017, 1, 20), dt.date(2017, 1, 25)),  # Friday -> Wednesday
    (dt.date(2017, 1, 21), dt.date(2017, 1, 25)),  # a Saturday letter counts from Monday
])
def test_three_working_days_later(day, later) -> None:
    assert add_working_days(day, 3) == later

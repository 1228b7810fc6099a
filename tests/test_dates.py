"""Reading dates as officials write them, and working days."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import DateError, is_working_day, parse_date
from bot.progress import percent_in, split_task_ref

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/02/2027", date(2027, 2, 27)),
        ("3/1/2027", date(2027, 1, 3)),  # day first, never month first
        ("30.6.2027", date(2027, 6, 30)),
        ("30/6", date(2027, 6, 30)),  # without a year: the next such day
        ("25/12", date(2026, 12, 25)),
        ("cuối tháng 6", date(2027, 6, 30)),
        ("cuối tháng 2/2028", date(2028, 2, 29)),
        ("23/11/2026", TODAY),
        ("quý III/2027", date(2027, 9, 30)),
        ("quý 1/2027", date(2027, 3, 31)),
        ("quý IV", date(2026, 12, 31)),
        ("quý II", date(2027, 6, 30)),  # this year's has passed
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("20/11/2026", "past_date"),
        ("31/02/2027", "bad_date"),
        ("hôm kia nữa", "bad_date"),
        ("99/99", "bad_date"),
        ("31/12/9999", "bad_date"),
        ("quý 4/9999", "bad_date"),
        ("cuối tháng 12/9999", "bad_date"),
        ("quý 1/0000", "bad_date"),
    ],
)
def test_unusable_dates(text: str, code: str) -> None:
    with pytest.raises(DateError) as raised:
        parse_date(text, TODAY)
    assert raised.value.code == code


def test_past_dates_allowed_when_asked() -> None:
    assert parse_date("1/1/2020", TODAY, allow_past=True) == date(2020, 1, 1)


def test_working_days_skip_weekends_and_holidays() -> None:
    assert is_working_day(date(2026, 11, 23))  # Monday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert not is_working_day(date(2026, 9, 2))  # National Day


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("đã xong dự thảo, đạt 60%", 60),
        ("đạt 40 %", 40),
        ("từ 20% lên 75%", 75),
        ("vướng kinh phí", None),
        ("150%", None),
    ],
)
def test_percent_in(text: str, percent: int | None) -> None:
    assert percent_in(text) == percent


def test_split_task_ref() -> None:
    assert split_task_ref("#12 đạt 40%") == (12, "đạt 40%")
    assert split_task_ref("12") == (12, "")
    assert split_task_ref("đạt 40%") is None

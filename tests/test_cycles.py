"""Reporting cycles after Nghị định 09/2019/NĐ-CP, Điều 12, and working-time arithmetic."""

from __future__ import annotations

from datetime import date, datetime, time

from bot.followup import cycles
from bot.followup.calendar import add_working_days, next_working_time
from bot.followup.rules import Rules
from tests.conftest import TZ


def test_data_closes_on_the_14th_and_the_report_is_due_a_working_day_later() -> None:
    due = {
        p: cycles.first_cycle(p, date(2027, 1, 1), None, 1)
        for p in ("monthly", "quarterly", "half-yearly", "yearly")
    }
    assert (due["monthly"].key, due["monthly"].due) == ("2027-01", date(2027, 1, 15))
    assert (due["quarterly"].key, due["quarterly"].due) == ("2027-Q1", date(2027, 3, 15))
    assert (due["half-yearly"].key, due["half-yearly"].due) == ("2027-H1", date(2027, 6, 15))
    assert (due["yearly"].key, due["yearly"].due) == ("2027", date(2027, 12, 15))
    # 14/2/2027 is a Sunday: the report is due on Monday 15/2, after Tết.
    feb = cycles.next_cycle(due["monthly"], None, 1)
    assert (feb.key, feb.due) == ("2027-02", date(2027, 2, 15))


def test_the_day_the_document_names_wins() -> None:
    monthly = cycles.first_cycle("monthly", date(2027, 1, 21), date(2026, 12, 20), 1)
    assert (monthly.key, monthly.due) == ("2027-02", date(2027, 2, 20))
    yearly = cycles.first_cycle("yearly", date(2027, 1, 1), date(2026, 12, 15), 1)
    assert yearly.due == date(2027, 12, 15)
    assert cycles.from_key("2027-Q3", None, 1) == cycles.cycle("quarterly", 2027, 3, None, 1)
    assert cycles.period_of("periodic-unspecified") == "quarterly"


def test_working_time() -> None:
    rules = Rules()
    evening = datetime(2027, 2, 3, 18, tzinfo=TZ)  # Wednesday before Tết (4–10/2)
    assert next_working_time(evening, rules, TZ) == datetime.combine(
        date(2027, 2, 11), time(7, 30), TZ
    )
    assert add_working_days(date(2026, 11, 23), 10) == date(2026, 12, 8)  # 24/11 is a holiday

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from contracts.deadlines import (
    add_days_next_working,
    add_working_days,
    is_working_day,
    review_deadline,
    working_days_left,
)


def test_calendar_knows_holidays_and_adjusted_working_days():
    assert not is_working_day(date(2025, 1, 29))  # Spring Festival 2025
    assert is_working_day(date(2025, 1, 26))  # Sunday made a working day
    assert is_working_day(date(2025, 2, 8))  # Saturday made a working day
    assert not is_working_day(date(2024, 10, 3))  # National Day 2024
    assert is_working_day(date(2024, 10, 12))  # Saturday made a working day


@pytest.mark.parametrize(
    ("accepted", "days", "expected"),
    [
        # 2025 Spring Festival: 1-28..2-4 off, 1-26 (Sun) and 2-8 (Sat) worked.
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 24), 2, date(2025, 1, 27)),
        (date(2025, 1, 24), 3, date(2025, 2, 5)),
        (date(2025, 1, 24), 5, date(2025, 2, 7)),
        (date(2025, 1, 24), 6, date(2025, 2, 8)),
        # 2024 National Day: 10-1..10-7 off, 9-29 (Sun) and 10-12 (Sat) worked.
        (date(2024, 9, 27), 1, date(2024, 9, 29)),
        (date(2024, 9, 27), 2, date(2024, 9, 30)),
        (date(2024, 9, 27), 3, date(2024, 10, 8)),
        (date(2024, 9, 27), 7, date(2024, 10, 12)),
        (date(2024, 9, 27), 15, date(2024, 10, 23)),
    ],
)
def test_working_days_skip_holidays_and_count_adjusted_weekends(accepted, days, expected):
    assert add_working_days(accepted, days) == expected


def test_thirty_days_ending_in_a_holiday_move_to_the_next_working_day():
    # 2024-01-10 + 30 = 2024-02-09, the eve of Spring Festival 2024 (2-10..2-17 off).
    assert add_days_next_working(date(2024, 1, 10), 30) == date(2024, 2, 9)
    assert add_days_next_working(date(2024, 1, 11), 30) == date(2024, 2, 18)  # Sunday, worked
    # 2024-09-02 + 30 = 2024-10-02, inside National Day: first working day after is 10-08.
    assert add_days_next_working(date(2024, 9, 2), 30) == date(2024, 10, 8)
    assert add_days_next_working(date(2024, 9, 1), 30) == date(2024, 10, 8)


def test_review_rules(settings):
    accepted = date(2025, 1, 24)
    assert review_deadline(accepted_on=accepted, technical_amount=Decimal(1), rule="days30") == (
        date(2025, 2, 24)
    )
    small = review_deadline(
        accepted_on=accepted, technical_amount=Decimal("4999999.99"), rule="draft2024"
    )
    large = review_deadline(
        accepted_on=accepted, technical_amount=Decimal("5000000"), rule="draft2024"
    )
    assert small == date(2025, 2, 20)  # 15 working days across the Spring Festival
    assert large == date(2025, 3, 13)
    assert (
        review_deadline(accepted_on=accepted, technical_amount=Decimal(1), rule="working30")
        == large
    )
    settings.CONTRACT_REVIEW_RULE = "draft2024"
    assert review_deadline(accepted_on=accepted, technical_amount=Decimal(1)) == small
    with pytest.raises(ImproperlyConfigured):
        review_deadline(accepted_on=accepted, technical_amount=Decimal(1), rule="sixty")


def test_working_days_left_is_negative_when_overdue():
    assert working_days_left(date(2025, 2, 5), date(2025, 1, 24)) == 3
    assert working_days_left(date(2025, 1, 24), date(2025, 2, 5)) == -3
    assert working_days_left(date(2025, 2, 5), date(2025, 2, 5)) == 0


def test_years_beyond_the_published_calendar_fall_back_to_weekdays():
    assert is_working_day(date(2099, 1, 5))  # a Monday
    assert not is_working_day(date(2099, 1, 4))  # a Sunday

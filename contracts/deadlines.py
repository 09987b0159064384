"""Review deadlines on the Chinese working-day calendar (statutory holidays and adjusted days)."""

from datetime import date, timedelta
from decimal import Decimal

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LARGE_AMOUNT = Decimal("5000000")  # 2024 draft: ¥5 million and above get 30 working days
RULES = {"days30", "working30", "draft2024"}


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Beyond the years the calendar publishes (the State Council announces each year's
        # holidays in the autumn before): weekdays are the best available guess.
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the day of acceptance itself does not count)."""
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def add_days_next_working(start: date, days: int) -> date:
    """`days` calendar days after `start`; a last day on a holiday or rest day moves to the
    first working day after it, as Chinese administrative time limits are counted."""
    end = start + timedelta(days=days)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end


def review_deadline(*, accepted_on: date, technical_amount: Decimal, rule: str | None = None):
    rule = rule or settings.CONTRACT_REVIEW_RULE
    if rule == "days30":
        return add_days_next_working(accepted_on, 30)
    if rule == "working30":
        return add_working_days(accepted_on, 30)
    if rule == "draft2024":
        days = 30 if Decimal(technical_amount) >= LARGE_AMOUNT else 15
        return add_working_days(accepted_on, days)
    raise ImproperlyConfigured(
        f"CONTRACT_REVIEW_RULE={rule!r} is not one of {', '.join(sorted(RULES))}"
    )


def working_days_left(deadline: date, today: date) -> int:
    """Working days from today to the deadline; negative when overdue."""
    if deadline >= today:
        count = 0
        day = today
        while day < deadline:
            day += timedelta(days=1)
            count += is_working_day(day)
        return count
    count = 0
    day = deadline
    while day < today:
        day += timedelta(days=1)
        count += is_working_day(day)
    return -count

import pytest

from core.roles import Role
from plan.models import Department, Indicator


@pytest.fixture
def office(make_user):
    return make_user(Role.PLAN_OFFICE, username="planoffice")


@pytest.fixture
def stats_reporter(make_user):
    """A reporter of 市统计局, which leads R&D share of GDP."""
    user = make_user(Role.PLAN_REPORTER, username="tjj")
    user.is_staff = False
    user.save()
    Department.objects.get(code="tjj").members.add(user)
    return user


@pytest.fixture
def hr_reporter(make_user):
    """A reporter of 市人社局 (talents)."""
    user = make_user(Role.PLAN_REPORTER, username="rsj")
    user.is_staff = False
    user.save()
    Department.objects.get(code="rsj").members.add(user)
    return user


@pytest.fixture
def rd_gdp():
    return Indicator.objects.get(code="rd_gdp")

import os
import signal

import pytest

from core.roles import Role
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    activate_totp,
)


def pytest_collection_modifyitems(config, items):
    _keep_reference_data_in_transactional_tests(items)
    _require_or_skip_elasticsearch(items)


def _keep_reference_data_in_transactional_tests(items):
    """Transactional tests flush every table afterwards, which would also wipe what data
    migrations seeded (roles, districts, industries, the home page, workflows, targets…) for
    the tests after them; a serialized rollback restores it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


def _require_or_skip_elasticsearch(items):
    """ES tests need ELASTICSEARCH_URL; under `make test` a missing server is a failure."""
    if os.environ.get("ELASTICSEARCH_URL"):
        return
    required = os.environ.get("PANJIN_REQUIRE_ELASTICSEARCH") == "1"
    for item in items:
        if "elasticsearch" in item.keywords:
            if required:
                item.add_marker(
                    pytest.mark.xfail(reason="ELASTICSEARCH_URL unset", run=False, strict=True)
                )
            else:
                item.add_marker(pytest.mark.skip(reason="ELASTICSEARCH_URL unset"))


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """Commands run in-process (django-tasks-db's db_worker) install SIGTERM/SIGINT handlers and
    leave them behind: the session's later forks inherit a SIGTERM that no longer kills, and a
    stop signal to the test run becomes SystemExit in whichever test is running."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    before = {sig: signal.getsignal(sig) for sig in signals}
    yield
    for sig, handler in before.items():
        if signal.getsignal(sig) is not handler:
            signal.signal(sig, handler)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Make the serialized reference data visible to every connection object.

    Django keeps it on the connection object that created the test database; once Playwright's
    sync API runs an event loop in this thread, asgiref hands out a fresh connection object
    without it, and a serialized rollback would silently restore nothing.
    """
    from django.db import connections

    for alias in connections:
        wrapper = connections[alias]
        contents = getattr(wrapper, "_test_serialized_contents", None)
        if contents is not None:
            type(wrapper)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture
def organization():
    return OrganizationFactory()


# A seller's organisation and member, and a buyer from another organisation: the parties of
# the market's inquiry tests (tests/marketplace, tests/security).
@pytest.fixture
def seller_org():
    return OrganizationFactory(name="盘锦卖方科技有限公司")


@pytest.fixture
def seller(make_user, seller_org):
    return make_user(Role.ENTERPRISE_MEMBER, organization=seller_org, username="seller")


@pytest.fixture
def buyer(make_user):
    return make_user(Role.ENTERPRISE_MEMBER, organization=OrganizationFactory(), username="buyer")


@pytest.fixture
def make_user():
    def make(role: Role | None = None, organization=None, **kwargs):
        user = UserFactory(**kwargs)
        if role is not None:
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get(name=role.value))
            user.is_staff = role != Role.ENTERPRISE_MEMBER
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        if organization is not None:
            MembershipFactory(user=user, organization=organization)
        if user.is_staff or user.is_superuser:  # staff must sign in with a second factor
            activate_totp(user)
        return user

    return make

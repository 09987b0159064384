from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.identifiers import validate_uscc
from core.models import Organization

pytestmark = pytest.mark.django_db


def test_seed_demo_is_deterministic_and_idempotent():
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--quiet-progress", stdout=out)
    assert "admin / " in out.getvalue()
    first = sorted(Organization.objects.values_list("uscc", "name"))
    users = get_user_model().objects.count()

    call_command("seed_demo", "--scale", "small", "--quiet-progress", stdout=StringIO())
    assert sorted(Organization.objects.values_list("uscc", "name")) == first
    assert get_user_model().objects.count() == users
    assert len(first) == 17  # 16 approved + the pending application (accounts.demo)
    for uscc, _ in first:
        assert validate_uscc(uscc) == uscc
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("panjin-demo-2026")

import pytest
from django.core.management import CommandError, call_command

from search.models import SearchEntry
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_rebuild_and_check_database(settings, capsys):
    settings.ELASTICSEARCH_URL = ""
    OrganizationFactory.create_batch(3)
    call_command("search_index", "rebuild", "--workers", "2")
    assert SearchEntry.objects.filter(kind="organization").count() >= 3
    call_command("search_index", "check")
    assert "缺失 0" in capsys.readouterr().out
    SearchEntry.objects.filter(kind="organization").first().delete()
    with pytest.raises(CommandError):
        call_command("search_index", "check")


def test_sync_command_drains(settings, capsys):
    settings.ELASTICSEARCH_URL = ""
    OrganizationFactory()
    call_command("search_sync")
    assert "待同步：0 条" in capsys.readouterr().out


def test_elasticsearch_backend_needs_url(settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError):
        call_command("search_index", "rebuild", "--backend", "elasticsearch")

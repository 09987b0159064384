from http import HTTPStatus

import pytest

from core.roles import Role
from search.models import Synonym
from search.synonyms import invalidate, synonym_map

pytestmark = pytest.mark.django_db


def test_seeded_synonyms_are_broad():
    groups = Synonym.objects.filter(enabled=True)
    assert groups.count() >= 100
    mapping = synonym_map()
    assert "抽油机" in mapping["磕头机"]
    assert "挥发性有机物" in mapping["vocs"]
    assert "重油" in mapping["稠油"]


def test_editor_maintains_synonyms_in_wagtail_admin(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    listing = client.get("/admin/snippets/search/synonym/")
    assert listing.status_code == HTTPStatus.OK
    assert "检索同义词" in listing.content.decode()
    response = client.post(
        "/admin/snippets/search/synonym/add/",
        {"terms": "曝气池，曝气槽", "note": "测试", "enabled": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    invalidate()
    assert synonym_map()["曝气槽"] == ("曝气池",)


def test_disabled_group_is_ignored():
    Synonym.objects.create(terms="甲乙丙，丁戊己", enabled=False)
    invalidate()
    assert "甲乙丙" not in synonym_map()

"""The enterprise editor in the Wagtail admin: USCCs checked as the importer does, designations
editable, every change audited."""

from http import HTTPStatus

import pytest

from core.models import AuditEntry
from core.roles import Role
from ip_registry.models import Designation, Enterprise
from tests.formdata import form_values
from tests.ip_registry.factories import EnterpriseFactory, designate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="boss"))
    return client


def _edit(admin_client, enterprise, **changes):
    url = f"/admin/snippets/ip_registry/enterprise/edit/{enterprise.pk}/"
    page = admin_client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = form_values(page.content.decode(), selector="form[method=post]#w-editor-form")
    data.update({name: [value] for name, value in changes.items()})
    return admin_client.post(url, data)


def test_a_bad_uscc_is_refused_with_the_importers_message(admin_client):
    enterprise = EnterpriseFactory()
    response = _edit(admin_client, enterprise, uscc="91211100MA0Q000000")
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert "校验" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.uscc != "91211100MA0Q000000"


def test_designations_are_edited_and_audited(admin_client):
    enterprise = EnterpriseFactory()
    designate(enterprise, 2018)
    response = _edit(
        admin_client, enterprise, designations="2018 规上科技型企业\n2019年 规上科技型企业"
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert sorted(
        Designation.objects.filter(enterprise=enterprise).values_list("year", flat=True)
    ) == [2018, 2019]
    entry = AuditEntry.objects.get(action="ip_registry.designations.change")
    assert entry.object_id == str(enterprise.pk) and entry.actor.username == "boss"
    assert entry.changes == {"added": ["2019 规模以上科技型企业"], "removed": []}
    # Saved unchanged: nothing moves, nothing more is audited.
    assert _edit(admin_client, enterprise).status_code == HTTPStatus.FOUND
    assert AuditEntry.objects.filter(action="ip_registry.designations.change").count() == 1
    assert Enterprise.objects.get(pk=enterprise.pk).uscc == enterprise.uscc


def test_an_unknown_designation_type_names_the_line_and_the_choices(admin_client):
    enterprise = EnterpriseFactory()
    response = _edit(admin_client, enterprise, designations="2019 火箭企业")
    body = response.content.decode()
    assert "第 1 行认定类型“火箭企业”无效" in body and "规上科技型企业" in body
    assert not Designation.objects.filter(enterprise=enterprise).exists()

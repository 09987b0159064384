"""The English switch reaches core's own messages: API errors, role and choice labels,
identifier errors, the API's own documentation; Chinese stays the default."""

import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from core.identifiers import normalize_patent_number, validate_uscc
from core.models import Organization
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_api_errors_follow_the_chosen_language(client, english):
    body = english.get("/api/v1/me").json()
    assert body["detail"].startswith("Sign-in required: send a valid personal API token")
    missing = english.get("/api/v1/no-such-thing")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert missing.json() == {"detail": "No such endpoint"}
    del client.cookies["django_language"]
    assert client.get("/api/v1/me").json()["detail"].startswith("需要登录")


def test_the_api_document_is_in_english(english):
    document = english.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Panjin Technology Market & IP Registry API"
    health = document["paths"]["/api/v1/health"]["get"]
    assert health["summary"] == "Status of the database and the search backend"


# Values the API accepts, listed as "code = 中文名称" pairs or quoted as `code`: input, not prose.
ACCEPTED_VALUE = re.compile(r"[\w-]+ = [^；;]+|`[^`]*`")


def _documentation(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"summary", "description", "title"} and isinstance(value, str):
                yield f"{where}/{key}", value
            else:
                yield from _documentation(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _documentation(item, f"{where}/{index}")


def test_every_summary_and_description_is_in_the_readers_language(client, english):
    document = english.get("/api/v1/openapi.json").json()
    texts = dict(_documentation(document))
    assert texts["/paths/~1api~1v1~1search/get/summary".replace("~1", "/")] == "Full-text search"
    chinese = {
        where: text
        for where, text in texts.items()
        if re.search(r"[\u4e00-\u9fff]", ACCEPTED_VALUE.sub("", text))
    }
    assert chinese == {}
    del client.cookies["django_language"]
    default = client.get("/api/v1/openapi.json").json()
    assert default["paths"]["/api/v1/search"]["get"]["summary"] == "全文检索"


def test_role_and_choice_labels_in_english():
    with translation.override("en"):
        assert Role.IP_OFFICER.label == "IP officer"
        assert Role.REGISTRY_OFFICER.label == "Contract registry officer"
        assert Organization.Kind.INSTITUTE.label == "Research institute"
        assert str(Organization._meta.get_field("uscc").verbose_name) == (
            "Unified social credit code"
        )
    assert Role.IP_OFFICER.label == "知识产权专员"


def test_identifier_errors_in_english():
    with translation.override("en"), pytest.raises(ValidationError) as uscc:
        validate_uscc("91211100MA0QXXXX")
    assert uscc.value.messages == [
        "Unified social credit code “91211100MA0QXXXX” is not valid: must be 18 characters long"
    ]
    with translation.override("en"), pytest.raises(ValidationError) as number:
        normalize_patent_number("20171060186")
    assert (
        "Patent application number “20171060186” is not in the right form"
        in (number.value.messages[0])
    )
    with pytest.raises(ValidationError, match="统一社会信用代码“91211100MA0QXXXX”无效：应为 18 位"):
        validate_uscc("91211100MA0QXXXX")


def test_command_messages_in_english():
    with translation.override("en"), pytest.raises(CommandError, match="User ghost does not exist"):
        call_command("create_api_token", "ghost", stdout=StringIO())


def test_the_site_name_follows_the_language(client, english):
    html = english.get("/").content.decode()
    assert "<p>Panjin Technology Market &amp; IP Registry</p>" in html
    del client.cookies["django_language"]
    chinese = client.get("/").content.decode()
    assert (
        "<p>盘锦科技成果交易与知识产权登记平台 · Panjin Technology Market &amp; IP Registry</p>"
        in chinese
    )

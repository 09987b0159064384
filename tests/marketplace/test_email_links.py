import pytest
from django.core import mail

from core.roles import Role
from marketplace.models import Notice
from marketplace.tasks import notice_email_send

pytestmark = pytest.mark.django_db


def test_notice_email_links_to_the_configured_site_address(settings, make_user):
    settings.SITE_URL = "https://tech.panjin.example"
    user = make_user(Role.ENTERPRISE_MEMBER, email="buyer@example.com")
    notice = Notice.objects.create(
        user=user, subject="新询价", body="有新询价", url="/market/inquiries/7/"
    )
    assert notice_email_send.call(notice_id=notice.pk)
    assert "https://tech.panjin.example/market/inquiries/7/" in mail.outbox[-1].body
    assert "127.0.0.1" not in mail.outbox[-1].body

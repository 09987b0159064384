"""Demo data for accounts: one organisation application and one join request awaiting review,
so the review queue and an organisation administrator's page have work on a fresh install."""

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import JoinRequest
from accounts.services import join_request_create, organization_apply
from core.demo import DEMO_PASSWORD
from core.identifiers import make_uscc
from core.models import District, Industry, Membership, Organization
from core.types import User

APPLICATION_USCC = make_uscc("91211100", "MA0DEM01")
# A one-pixel PNG stands in for the scanned licence.
LICENCE_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"
    b":~\x9bU\x00\x00\x00\nIDATx\x9cch\x00\x00\x00\x82\x00\x81w\xcdr\xb6\x00\x00\x00\x00"
    b"IEND\xaeB`\x82"
)


def _person(username: str) -> User:
    email = f"{username}@demo.panjin-tech.example"
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, scale, progress) -> dict:
    applicant = _person("applicant")
    if not Organization.objects.filter(uscc=APPLICATION_USCC).exists():
        organization_apply(
            user=applicant,
            uscc=APPLICATION_USCC,
            name="盘锦海蓝新材料科技有限公司",
            kind=Organization.Kind.ENTERPRISE,
            district=District.objects.filter(name="辽东湾新区").first(),
            industry=Industry.objects.filter(name="新材料").first(),
            address="盘锦市辽东湾新区荣兴路 8 号",
            contact_name="林女士",
            contact_phone="0427-5551234",
            licence=SimpleUploadedFile("营业执照.png", LICENCE_PNG, content_type="image/png"),
        )
    joiner = _person("joiner")
    target = (
        Organization.objects.filter(
            memberships__user__username="member1",
            memberships__role=Membership.Role.ADMINISTRATOR,
        )
        .order_by("pk")
        .first()
    )
    if target is not None and not JoinRequest.objects.filter(user=joiner).exists():
        join_request_create(user=joiner, uscc=target.uscc, message="技术部工程师，负责对接需求")
    return {
        "待审核机构申请": Organization.objects.filter(status=Organization.Status.PENDING).count(),
        "待处理加入申请": JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count(),
    }

"""Organisation applications, join requests and invitations made through the services."""

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services
from core.identifiers import make_uscc
from core.models import District, Industry, Membership, Organization
from core.roles import Role
from tests.factories import UserFactory

# A tiny valid PNG (1×1, grey): licences may be images.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"
    b":~\x9bU\x00\x00\x00\nIDATx\x9cch\x00\x00\x00\x82\x00\x81w\xcdr\xb6\x00\x00\x00\x00"
    b"IEND\xaeB`\x82"
)
APPLIED_USCC = make_uscc("91211100", "MA0AP001")


def licence_upload(name: str = "营业执照.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def apply_for_organization(
    user=None, *, uscc: str = APPLIED_USCC, name: str = "盘锦新申请科技有限公司", **overrides
) -> Organization:
    user = user or UserFactory()
    data = {
        "user": user,
        "uscc": uscc,
        "name": name,
        "kind": Organization.Kind.ENTERPRISE,
        "district": District.objects.get(name="兴隆台区"),
        "industry": Industry.objects.get(name="精细化工"),
        "address": "盘锦市兴隆台区石油大街 1 号",
        "contact_name": "王经理",
        "contact_phone": "0427-1234567",
        "licence": licence_upload(),
    }
    data.update(overrides)
    return services.organization_apply(**data)


def accounts_world(users: dict, org_a: Organization) -> dict:
    """The access matrix's accounts objects: a pending application, member_a's token, an
    invitation into A and a join request to A (member_a is a plain member of A)."""
    pending = apply_for_organization()
    token, _ = services.api_token_issue(user=users["member_a"], name="脚本")
    administrator = UserFactory(username="org-a-admin")
    Membership.objects.create(
        user=administrator, organization=org_a, role=Membership.Role.ADMINISTRATOR
    )
    invitation, key = services.invitation_create(
        actor=_as_member(administrator),
        organization=org_a,
        email="colleague@example.com",
        accept_url="http://testserver/accounts/invitations/{key}/",
    )
    join_request = services.join_request_create(user=UserFactory(), uscc=org_a.uscc)
    return {
        "pending_org": pending.pk,
        "token": token.pk,
        "invitation": invitation.pk,
        "invitation_key": key,
        "join_request": join_request.pk,
        "membership_a": Membership.objects.get(user=users["member_a"], organization=org_a).pk,
    }


def _as_member(user):
    user.groups.add(Group.objects.get(name=Role.ENTERPRISE_MEMBER.value))
    return user

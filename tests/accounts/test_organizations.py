"""Applying for, reviewing, joining and administering organisations; bad input in Chinese."""

import io
import shlex
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts import selectors, services
from accounts.models import Invitation, JoinRequest
from core.models import Membership, Organization
from core.roles import Role
from marketplace.models import Inquiry
from tests.accounts.factories import APPLIED_USCC, apply_for_organization, licence_upload
from tests.contracts.factories import pdf_bytes
from tests.factories import OrganizationFactory, UserFactory
from tests.ip_registry.factories import EnterpriseFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db


FORMER = "盘锦旧名有限公司"


def _form(**overrides):
    data = {
        "uscc": APPLIED_USCC,
        "name": "盘锦新申请科技有限公司",
        "kind": "enterprise",
        "address": "盘锦市兴隆台区石油大街 1 号",
        "contact_name": "王经理",
        "contact_phone": "0427-1234567",
        "licence": licence_upload(),
    }
    data.update(overrides)
    return data


def test_apply_review_approve_makes_the_applicant_administrator(
    client, make_user, django_capture_on_commit_callbacks
):
    applicant = UserFactory(username="newcomer")
    client.force_login(applicant)
    response = client.post("/accounts/organizations/apply/", _form())
    assert response.status_code == HTTPStatus.FOUND
    organization = Organization.objects.get(uscc=APPLIED_USCC)
    assert organization.status == Organization.Status.PENDING
    assert organization.licence.name.endswith(".png")
    assert "待审核" in client.get("/accounts/").content.decode()

    admin = make_user(Role.ADMINISTRATOR, username="boss")
    client.force_login(admin)
    queue = client.get("/accounts/review/").content.decode()
    assert "盘锦新申请科技有限公司" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/review/{organization.pk}/", {"decision": "approve"})
    organization.refresh_from_db()
    assert organization.status == Organization.Status.APPROVED
    membership = Membership.objects.get(user=applicant, organization=organization)
    assert membership.role == Membership.Role.ADMINISTRATOR
    assert applicant.groups.filter(name=Role.ENTERPRISE_MEMBER.value).exists()
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "已通过审核" in mail.outbox[0].subject


def test_reject_needs_a_reason_and_the_applicant_sees_it(
    client, make_user, django_capture_on_commit_callbacks
):
    applicant = UserFactory()
    organization = apply_for_organization(applicant)
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    client.post(f"/accounts/review/{organization.pk}/", {"decision": "reject", "reason": ""})
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/accounts/review/{organization.pk}/",
            {"decision": "reject", "reason": "执照名称与申请名称不一致"},
        )
    organization.refresh_from_db()
    assert organization.status == Organization.Status.REJECTED
    assert "执照名称与申请名称不一致" in mail.outbox[0].body
    client.force_login(applicant)
    page = client.get("/accounts/").content.decode()
    assert "未通过" in page and "执照名称与申请名称不一致" in page
    # A rejected applicant may apply again with the same USCC.
    again = apply_for_organization(applicant, name="盘锦新申请科技有限公司")
    assert again.pk == organization.pk and again.status == Organization.Status.PENDING


def test_queue_shows_registered_and_former_names_and_flags_a_mismatch(client, make_user):
    EnterpriseFactory(
        uscc=APPLIED_USCC, name="盘锦正式名称有限公司", former_names=["盘锦旧名有限公司"]
    )
    apply_for_organization(name="完全不同的名字有限公司")
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get("/accounts/review/").content.decode()
    assert "盘锦正式名称有限公司" in page and "盘锦旧名有限公司" in page
    assert "名称与登记库不一致" in page


def test_former_name_counts_as_a_match(client, make_user):
    EnterpriseFactory(
        uscc=APPLIED_USCC, name="盘锦正式名称有限公司", former_names=["盘锦旧名有限公司"]
    )
    apply_for_organization(name="盘锦旧名有限公司")
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get("/accounts/review/").content.decode()
    assert "名称一致" in page and "名称与登记库不一致" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"uscc": "91211100MA0XXXXXXX"}, "统一社会信用代码“91211100MA0XXXXXXX”无效"),
        ({"licence": licence_upload("执照.pdf", b"MZ\x90\x00 not a pdf")}, "不是 PDF 或图片"),
        ({"licence": licence_upload("执照.pdf", b"%PDF-1.4 broken")}, "已损坏"),
    ],
)
def test_bad_applications_get_a_chinese_error_and_write_nothing(client, overrides, message):
    client.force_login(UserFactory())
    response = client.post("/accounts/organizations/apply/", _form(**overrides))
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Organization.objects.filter(name="盘锦新申请科技有限公司").exists()


def test_a_pdf_licence_is_accepted():
    organization = apply_for_organization(licence=licence_upload("执照.pdf", pdf_bytes("执照")))
    assert organization.licence.name.endswith(".pdf")


def test_a_taken_uscc_is_offered_a_join_request(client):
    existing = OrganizationFactory(name="盘锦已有科技有限公司")
    client.force_login(UserFactory())
    response = client.post("/accounts/organizations/apply/", _form(uscc=existing.uscc))
    page = response.content.decode()
    assert "已由“盘锦已有科技有限公司”使用" in page
    assert f"/accounts/organizations/join/?uscc={existing.uscc}" in page
    assert Organization.objects.filter(uscc=existing.uscc).count() == 1


def test_join_request_goes_to_the_administrators_who_accept_it(
    client, make_user, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()
    boss = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="boss")
    Membership.objects.filter(user=boss).update(role=Membership.Role.ADMINISTRATOR)
    applicant = UserFactory(username="joiner")
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/organizations/join/", {"uscc": organization.uscc, "message": "技术部"}
        )
    assert mail.outbox[-1].to == [boss.email]
    request = JoinRequest.objects.get(user=applicant)
    client.force_login(boss)
    assert (
        "技术部"
        in client.get(f"/accounts/organizations/{organization.pk}/members/").content.decode()
    )
    client.post(f"/accounts/join-requests/{request.pk}/", {"decision": "accept"})
    assert Membership.objects.filter(user=applicant, organization=organization).exists()
    assert applicant.groups.filter(name=Role.ENTERPRISE_MEMBER.value).exists()


def test_a_plain_member_cannot_decide_join_requests(client, make_user):
    organization = OrganizationFactory()
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization)
    request = services.join_request_create(user=UserFactory(), uscc=organization.uscc)
    client.force_login(member)
    response = client.post(f"/accounts/join-requests/{request.pk}/", {"decision": "accept"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "机构管理员" in response.content.decode()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING


def _administrator(make_user, organization, username="boss"):
    boss = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username=username)
    Membership.objects.filter(user=boss).update(role=Membership.Role.ADMINISTRATOR)
    return boss


def _invite(boss, organization, email="colleague@example.com"):
    return services.invitation_create(
        actor=boss,
        organization=organization,
        email=email,
        accept_url="http://testserver/accounts/invitations/{key}/",
    )


def test_invitation_is_single_use(client, make_user):
    organization = OrganizationFactory()
    boss = _administrator(make_user, organization)
    _, key = _invite(boss, organization)
    colleague = UserFactory(username="colleague", email="colleague@example.com")
    client.force_login(colleague)
    assert client.post(f"/accounts/invitations/{key}/").status_code == HTTPStatus.FOUND
    assert Membership.objects.filter(user=colleague, organization=organization).exists()
    again = client.post(f"/accounts/invitations/{key}/")
    assert again.status_code == HTTPStatus.GONE
    assert "已被使用过" in again.content.decode()


def test_expired_invitation_is_refused(client, make_user):
    organization = OrganizationFactory()
    invitation, key = _invite(_administrator(make_user, organization), organization)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
    client.force_login(UserFactory(email="colleague@example.com"))
    response = client.post(f"/accounts/invitations/{key}/")
    assert response.status_code == HTTPStatus.GONE
    assert "已于" in response.content.decode() and "过期" in response.content.decode()
    assert not Membership.objects.filter(user__email="colleague@example.com").exists()


def test_open_invitations_leave_out_accepted_revoked_and_expired_ones(make_user):
    organization = OrganizationFactory()
    boss = _administrator(make_user, organization)
    invitations = {
        state: _invite(boss, organization, email=f"{state}@example.com")[0]
        for state in ("open", "accepted", "revoked", "expired")
    }
    Invitation.objects.filter(pk=invitations["accepted"].pk).update(
        accepted_at=invitations["accepted"].created_at
    )
    services.invitation_revoke(actor=boss, invitation=invitations["revoked"])
    Invitation.objects.filter(pk=invitations["expired"].pk).update(
        expires_at=invitations["expired"].created_at
    )
    OrganizationFactory().invitations.create(
        email="elsewhere@example.com", key_hash="x" * 64, expires_at=invitations["open"].expires_at
    )

    assert selectors.organization_invitations_open(organization=organization) == [
        invitations["open"]
    ]


def test_invitation_opened_by_another_logged_in_person_is_refused(client, make_user):
    organization = OrganizationFactory()
    _, key = _invite(_administrator(make_user, organization), organization)
    stranger = UserFactory(username="stranger", email="stranger@example.com")
    client.force_login(stranger)
    response = client.post(f"/accounts/invitations/{key}/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "此邀请发给 colleague@example.com" in response.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()
    assert Invitation.objects.get().accepted_at is None


def test_organisation_keeps_at_least_one_administrator(client, make_user):
    organization = OrganizationFactory()
    boss = _administrator(make_user, organization)
    mine = Membership.objects.get(user=boss)
    client.force_login(boss)
    client.post(f"/accounts/members/{mine.pk}/role/", {"role": "member"})
    mine.refresh_from_db()
    assert mine.role == Membership.Role.ADMINISTRATOR
    client.post(f"/accounts/members/{mine.pk}/remove/")
    assert Membership.objects.filter(pk=mine.pk).exists()
    # Handing the role on first, then stepping down, works.
    other = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="deputy")
    theirs = Membership.objects.get(user=other)
    client.post(f"/accounts/members/{theirs.pk}/role/", {"role": "administrator"})
    client.post(f"/accounts/members/{mine.pk}/role/", {"role": "member"})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.role, theirs.role) == (Membership.Role.MEMBER, Membership.Role.ADMINISTRATOR)


def test_removed_member_loses_the_organisation_at_once(client, make_user):
    organization = OrganizationFactory()
    boss = _administrator(make_user, organization)
    member = make_user(Role.ENTERPRISE_MEMBER, organization=organization, username="leaver")
    membership = Membership.objects.get(user=member)
    client.force_login(boss)
    client.post(f"/accounts/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not member.groups.filter(name=Role.ENTERPRISE_MEMBER.value).exists()


# Commands ---------------------------------------------------------------------------------


def test_readme_add_organization_then_add_user_work_verbatim():

    # README.md sends "add users, roles and API tokens" readers to docs/core.md.
    root = Path(__file__).resolve().parents[2]
    assert "docs/core.md" in (root / "README.md").read_text(encoding="utf-8")
    readme = (root / "docs" / "core.md").read_text(encoding="utf-8")
    lines = [
        line.removeprefix(".venv/bin/python manage.py ")
        for line in readme.splitlines()
        if line.startswith(".venv/bin/python manage.py add_")
    ]
    add_org = next(line for line in lines if line.startswith("add_organization"))
    add_user = next(line for line in lines if line.startswith("add_user wang"))
    call_command(*shlex.split(add_org), stdout=io.StringIO())
    call_command(*shlex.split(add_user), stdout=io.StringIO())
    membership = Membership.objects.get(user__username="wang")
    assert membership.organization.status == Organization.Status.APPROVED


def test_add_organization_refuses_a_bad_uscc():
    with pytest.raises(CommandError, match="无效"):
        call_command("add_organization", "--uscc", "91211100MA0XXXXXXX", "--name", "x")


def _import(tmp_path, text: str, encoding="utf-8-sig", *args):
    path = tmp_path / "机构.csv"
    path.write_bytes(text.encode(encoding))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_organizations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_organizations_gb18030_with_aliases(tmp_path):
    a, b = OrganizationFactory.build().uscc, OrganizationFactory.build().uscc
    text = f"信用代码,名称,类型,区县\n{a},盘锦甲公司,企业,兴隆台区\n{b},辽宁乙大学,高校,\n"
    out, _ = _import(tmp_path, text, "gb18030")
    assert "新建 2" in out
    assert Organization.objects.get(uscc=b).kind == Organization.Kind.UNIVERSITY
    out, _ = _import(tmp_path, text, "gb18030")
    assert "未变 2" in out


def test_import_organizations_is_all_or_nothing_with_row_numbers(tmp_path):
    good = OrganizationFactory.build().uscc
    text = f"统一社会信用代码,机构名称\n{good},盘锦甲公司\n91211100MA0XXXXXXX,盘锦乙公司\n"
    with pytest.raises(CommandError, match="未导入任何数据"):
        _import(tmp_path, text)
    assert not Organization.objects.filter(uscc=good).exists()


def test_import_organizations_reports_the_row(tmp_path):
    text = "统一社会信用代码,机构名称\n91211100MA0XXXXXXX,盘锦乙公司\n"
    path = tmp_path / "机构.csv"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_organizations", str(path), stderr=err, stdout=io.StringIO())
    assert "第 2 行：统一社会信用代码“91211100MA0XXXXXXX”无效" in err.getvalue()


def test_import_organizations_dry_run_writes_nothing(tmp_path):
    uscc = OrganizationFactory.build().uscc
    out, _ = _import(
        tmp_path, f"统一社会信用代码,机构名称\n{uscc},盘锦甲公司\n", "utf-8", "--dry-run"
    )
    assert "试运行" in out
    assert not Organization.objects.filter(uscc=uscc).exists()


def test_seed_demo_adds_an_application_and_a_join_request():
    call_command("seed_demo", "--scale", "small", "--quiet-progress", stdout=io.StringIO())
    pending = Organization.objects.get(status=Organization.Status.PENDING)
    assert pending.licence and pending.applicant.username == "applicant"
    request = JoinRequest.objects.get(status=JoinRequest.Status.PENDING)
    assert request.user.username == "joiner"
    assert request.organization.memberships.filter(
        user__username="member1", role=Membership.Role.ADMINISTRATOR
    ).exists()
    call_command("seed_demo", "--scale", "small", "--quiet-progress", stdout=io.StringIO())
    assert Organization.objects.filter(status=Organization.Status.PENDING).count() == 1
    assert JoinRequest.objects.count() == 1


def test_a_pending_organisation_has_no_public_page(client):
    pending = apply_for_organization()
    assert client.get(f"/market/org/{pending.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_a_person_in_two_organisations_picks_the_one_they_act_for(client, make_user):
    first, second = OrganizationFactory(name="甲机构"), OrganizationFactory(name="乙机构")
    person = make_user(Role.ENTERPRISE_MEMBER, organization=first, username="both")
    Membership.objects.create(user=person, organization=second)
    listing = make_listing(organization=OrganizationFactory())
    client.force_login(person)
    chosen = client.post("/accounts/organizations/acting/", {"organization": second.pk})
    assert chosen.status_code == HTTPStatus.FOUND
    client.post(f"/market/inquiries/new/{listing.pk}/", {"message": "请报价"})
    assert Inquiry.objects.get().buyer_organization == second
    page = client.get("/accounts/").content.decode()
    assert f'value="{second.pk}" selected' in page
    other = OrganizationFactory()
    refused = client.post("/accounts/organizations/acting/", {"organization": other.pk})
    assert refused.status_code == HTTPStatus.FORBIDDEN

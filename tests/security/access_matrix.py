"""The access-control matrix: every URL and API operation × every role → expected HTTP status.

The table (TARGETS) lives here, is enforced by test_access_matrix.py and is printed to
docs/access-control.md by `python -m tests.security.access_matrix` (the test checks the
document is current).
"""

from dataclasses import dataclass
from pathlib import Path

ROLES = (
    "anonymous",
    "member_a",
    "member_b",
    "moderator",
    "registry_officer",
    "ip_officer",
    "admin",
)
ROLE_TITLES = {
    "anonymous": "匿名",
    "member_a": "A 成员",
    "member_b": "B 成员",
    "moderator": "市场审核员",
    "registry_officer": "合同登记员",
    "ip_officer": "知识产权专员",
    "admin": "管理员",
}
DOC = Path(__file__).resolve().parents[2] / "docs" / "access-control.md"


@dataclass(frozen=True)
class Target:
    name: str  # URL name or API operation
    method: str
    path: str  # with {placeholders} filled from the test world
    expected: tuple[int, ...]  # one status per role, in ROLES order
    data: tuple = ()
    note: str = ""


def T(name, method, path, expected, data=(), note=""):
    return Target(name, method, path, tuple(expected), tuple(data), note)


# Objects: organisation A (member_a) owns contract {contract} (draft, with attachment
# {attachment}), the submitted contract {submitted}, the registered contract {registered}, the
# live listing {listing} and demand {demand}; member_b's organisation B sent inquiry {inquiry}
# about {listing}; the registry holds enterprise {uscc} and patent {patent}.
# Statuses: 200 ok, 302 redirect (to the login page for anonymous, else after the action),
# 400 refused input, 403 forbidden, 404 hidden, 401 API login required, 405 wrong method.
TARGETS: list[Target] = [
    T("home (Wagtail)", "GET", "/", (200, 200, 200, 200, 200, 200, 200), ()),
    T("listing page (Wagtail)", "GET", "{listing_url}", (200, 200, 200, 200, 200, 200, 200), ()),
    T(
        "login",
        "GET",
        "/accounts/login/",
        (200, 302, 302, 302, 302, 302, 302),
        (),
        note="allauth; a logged-in person is sent on",
    ),
    T(
        "logout",
        "POST",
        "/accounts/logout/",
        (302, 302, 302, 302, 302, 302, 302),
        (),
        note="POST only; anyone may log out",
    ),
    T(
        "set_language",
        "POST",
        "/i18n/setlang/",
        (302, 302, 302, 302, 302, 302, 302),
        (("language", "zh-hans"), ("next", "/")),
        note="anyone; a logged-in person's choice is also kept for notices and e-mails",
    ),
    T(
        "password_change",
        "GET",
        "/accounts/password/change/",
        (302, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T("account", "GET", "/accounts/", (302, 200, 200, 200, 200, 200, 200), ()),
    T("account_signup", "GET", "/accounts/signup/", (200, 302, 302, 302, 302, 302, 302), ()),
    T(
        "account_reset_password",
        "GET",
        "/accounts/password/reset/",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T("mfa_index", "GET", "/accounts/2fa/", (302, 200, 200, 200, 200, 200, 200), ()),
    T(
        "accounts:organization_apply",
        "GET",
        "/accounts/organizations/apply/",
        (302, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "accounts:organization_join",
        "GET",
        "/accounts/organizations/join/",
        (302, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "accounts:acting",
        "POST",
        "/accounts/organizations/acting/",
        (302, 302, 403, 403, 403, 403, 403),
        (("organization", "{org_a}"),),
        note="only an organisation of one's own",
    ),
    T(
        "accounts:organization_members",
        "GET",
        "/accounts/organizations/{org_a}/members/",
        (302, 403, 403, 403, 403, 403, 403),
        (),
        note="the organisation's 机构管理员 only (member_a is a plain member)",
    ),
    T(
        "accounts:invitation_create",
        "POST",
        "/accounts/organizations/{org_a}/invitations/",
        (302, 403, 403, 403, 403, 403, 403),
        (("email", "new@example.com"),),
    ),
    T(
        "accounts:invitation_revoke",
        "POST",
        "/accounts/invitations/{invitation}/revoke/",
        (302, 403, 403, 403, 403, 403, 403),
        (),
    ),
    T(
        "accounts:invitation",
        "GET",
        "/accounts/invitations/{invitation_key}/",
        (200, 200, 200, 200, 200, 200, 200),
        (),
        note="the link says who invites; accepting (POST) needs the invited address",
    ),
    T(
        "accounts:join_request_decide",
        "POST",
        "/accounts/join-requests/{join_request}/",
        (302, 403, 403, 403, 403, 403, 403),
        (("decision", "accept"),),
    ),
    T(
        "accounts:member_remove",
        "POST",
        "/accounts/members/{membership_a}/remove/",
        (302, 302, 403, 403, 403, 403, 403),
        (),
        note="member_a leaves; others need to administer A",
    ),
    T(
        "accounts:member_role",
        "POST",
        "/accounts/members/{membership_a}/role/",
        (302, 403, 403, 403, 403, 403, 403),
        (("role", "administrator"),),
    ),
    T(
        "accounts:review_queue",
        "GET",
        "/accounts/review/",
        (302, 403, 403, 403, 403, 403, 200),
        (),
        note="platform administrators",
    ),
    T(
        "accounts:review_decide",
        "POST",
        "/accounts/review/{pending_org}/",
        (302, 403, 403, 403, 403, 403, 302),
        (("decision", "approve"),),
    ),
    T(
        "accounts:licence",
        "GET",
        "/accounts/organizations/{pending_org}/licence/",
        (302, 403, 403, 403, 403, 403, 200),
        (),
        note="reviewers and the applicant",
    ),
    T("accounts:tokens", "GET", "/accounts/tokens/", (302, 200, 200, 200, 200, 200, 200), ()),
    T(
        "accounts:token_revoke",
        "POST",
        "/accounts/tokens/{token}/revoke/",
        (302, 302, 404, 404, 404, 404, 404),
        (),
        note="one's own tokens only",
    ),
    T(
        "accounts:personal_data",
        "GET",
        "/accounts/data/",
        (302, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T("accounts:close", "GET", "/accounts/close/", (302, 200, 200, 200, 200, 200, 200), ()),
    T("stats:index", "GET", "/stats/", (200, 200, 200, 200, 200, 200, 200), ()),
    T("search:index", "GET", "/search/", (200, 200, 200, 200, 200, 200, 200), (("q", "消泡剂"),)),
    T("ip_registry:index", "GET", "/registry/", (200, 200, 200, 200, 200, 200, 200), ()),
    T(
        "ip_registry:enterprise_detail",
        "GET",
        "/registry/enterprises/{uscc}/",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "ip_registry:patent_detail",
        "GET",
        "/registry/patents/{patent}/",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "ip_registry:dashboard",
        "GET",
        "/registry/dashboard/",
        (302, 403, 403, 403, 403, 200, 200),
        (),
        note="IP officers and administrators",
    ),
    T(
        "ip_registry:export",
        "GET",
        "/registry/dashboard/export/gaps.csv",
        (302, 403, 403, 403, 403, 200, 200),
        (),
    ),
    T(
        "ip_registry:report_pdf",
        "GET",
        "/registry/dashboard/report-2025.pdf",
        (302, 403, 403, 403, 403, 200, 200),
        (),
    ),
    T(
        "ip_registry:coverage_chart",
        "GET",
        "/registry/charts/coverage.svg",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T("marketplace:results", "GET", "/market/results/", (200, 200, 200, 200, 200, 200, 200), ()),
    T("marketplace:demands", "GET", "/market/demands/", (200, 200, 200, 200, 200, 200, 200), ()),
    T(
        "marketplace:organization",
        "GET",
        "/market/org/{org_a}/",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T("marketplace:mine", "GET", "/market/mine/", (302, 200, 200, 200, 200, 200, 200), ()),
    T(
        "marketplace:listing_create",
        "GET",
        "/market/new/technology/",
        (302, 200, 200, 403, 403, 403, 403),
        (),
    ),
    T(
        "marketplace:listing_edit",
        "GET",
        "/market/mine/{listing}/edit/",
        (302, 200, 403, 403, 403, 403, 403),
        (),
    ),
    T(
        "marketplace:listing_submit",
        "POST",
        "/market/mine/{listing}/submit/",
        (302, 302, 403, 403, 403, 403, 403),
        (),
    ),
    T(
        "marketplace:listing_withdraw",
        "POST",
        "/market/mine/{listing}/withdraw/",
        (302, 302, 403, 403, 403, 403, 403),
        (),
    ),
    T(
        "marketplace:demand_subscribe",
        "POST",
        "/market/mine/{demand}/subscribe/",
        (302, 302, 403, 403, 403, 403, 403),
        (),
    ),
    T(
        "marketplace:inquiries",
        "GET",
        "/market/inquiries/",
        (302, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "marketplace:inquiry_create",
        "POST",
        "/market/inquiries/new/{listing}/",
        (302, 400, 302, 403, 403, 403, 403),
        (("message", "请报价"),),
        note="POST; sent: redirect; own listing: the form again (400) with the typed text; "
        "no organisation: 403 with a note",
    ),
    T(
        "marketplace:inquiry",
        "GET",
        "/market/inquiries/{inquiry}/",
        (302, 200, 200, 404, 404, 404, 404),
        (),
        note="only the two organisations in the conversation",
    ),
    T(
        "marketplace:inquiry_reply",
        "POST",
        "/market/inquiries/{inquiry}/reply/",
        (302, 302, 302, 404, 404, 404, 404),
        (("body", "好的"),),
        note="only the two parties",
    ),
    T(
        "marketplace:inquiry_transition",
        "POST",
        "/market/inquiries/{inquiry}/status/",
        (302, 302, 302, 404, 404, 404, 404),
        (("status", "closed"),),
        note="only the two parties",
    ),
    T("marketplace:notices", "GET", "/market/notices/", (302, 200, 200, 200, 200, 200, 200), ()),
    T("marketplace:stats", "GET", "/market/stats/", (302, 403, 403, 200, 403, 403, 200), ()),
    T(
        "marketplace:flagged",
        "GET",
        "/market/stats/flagged/",
        (302, 403, 403, 200, 403, 403, 200),
        (),
    ),
    T("contracts:index", "GET", "/contracts/", (200, 200, 200, 200, 200, 200, 200), ()),
    T("contracts:guide", "GET", "/contracts/guide/", (200, 200, 200, 200, 200, 200, 200), ()),
    T("contracts:new", "GET", "/contracts/new/", (302, 200, 200, 403, 403, 403, 403), ()),
    T("contracts:queue", "GET", "/contracts/queue/", (302, 403, 403, 403, 200, 403, 200), ()),
    T("contracts:verify", "GET", "/contracts/verify/", (200, 200, 200, 200, 200, 200, 200), ()),
    T(
        "contracts:stats",
        "GET",
        "/contracts/stats/",
        (200, 200, 200, 200, 200, 200, 200),
        (),
        note="aggregate statistics are public",
    ),
    T(
        "contracts:stats_export",
        "GET",
        "/contracts/stats/export.csv",
        (200, 200, 200, 200, 200, 200, 200),
        (),
        note="aggregate statistics are public",
    ),
    T(
        "contracts:stats_report",
        "GET",
        "/contracts/stats/report.pdf",
        (200, 200, 200, 200, 200, 200, 200),
        (),
        note="aggregate statistics are public",
    ),
    T(
        "contracts:from_inquiry",
        "GET",
        "/contracts/from-inquiry/{inquiry}/",
        (302, 302, 302, 404, 404, 404, 404),
        (),
        note="parties of the inquiry; redirect (to the draft or back with a message)",
    ),
    T(
        "contracts:detail",
        "GET",
        "/contracts/{contract}/",
        (302, 200, 404, 404, 404, 404, 404),
        (),
        note="applicant organisation only while a draft; others get 404",
    ),
    T(
        "contracts:edit",
        "GET",
        "/contracts/{contract}/edit/",
        (302, 200, 404, 404, 404, 404, 404),
        (),
        note="applicant only; officers amend through 变更登记",
    ),
    T(
        "contracts:attachment_upload",
        "POST",
        "/contracts/{contract}/attachments/",
        (302, 302, 404, 404, 404, 404, 404),
        (),
        note="officer: redirect with a message (the empty form is refused)",
    ),
    T(
        "contracts:attachment_download",
        "GET",
        "/contracts/{contract}/attachments/{attachment}/",
        (302, 200, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "contracts:attachment_delete",
        "POST",
        "/contracts/{contract}/attachments/{attachment}/delete/",
        (302, 302, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "contracts:submit",
        "POST",
        "/contracts/{contract}/submit/",
        (302, 302, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "contracts:withdraw",
        "POST",
        "/contracts/{contract}/withdraw/",
        (302, 302, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "contracts:act",
        "POST",
        "/contracts/{contract}/act/accept/",
        (302, 403, 403, 403, 404, 403, 404),
        (),
        note="registry officers only",
    ),
    T(
        "contracts:detail",
        "GET",
        "/contracts/{submitted}/",
        (302, 200, 404, 404, 200, 404, 200),
        (),
        note="submitted: registry officers see it too",
    ),
    T(
        "contracts:attachment_download",
        "GET",
        "/contracts/{submitted}/attachments/{submitted_attachment}/",
        (302, 200, 404, 404, 200, 404, 200),
        (),
        note="submitted",
    ),
    T(
        "contracts:act",
        "POST",
        "/contracts/{submitted}/act/accept/",
        (302, 403, 403, 403, 302, 403, 302),
        (),
        note="submitted: registry officers accept it",
    ),
    T(
        "contracts:change_request",
        "POST",
        "/contracts/{registered}/requests/",
        (302, 302, 404, 404, 403, 404, 403),
        (("kind", "cancel"), ("reason", "协议解除")),
        note="applicant organisation asks for 变更/注销登记 (redirect with the outcome)",
    ),
    T(
        "contracts:change_request_decide",
        "POST",
        "/contracts/{registered}/requests/{change_request}/approve/",
        (302, 403, 403, 403, 302, 403, 302),
        (),
        note="registry officers only",
    ),
    T(
        "contracts:certificate",
        "GET",
        "/contracts/{registered}/certificate.pdf",
        (302, 200, 404, 404, 200, 404, 200),
        (),
    ),
    T(
        "Wagtail admin",
        "GET",
        "/admin/",
        (302, 302, 302, 200, 200, 200, 200),
        (),
        note="staff roles; members are sent to the admin login",
    ),
    T(
        "Django admin",
        "GET",
        "/django-admin/",
        (302, 302, 302, 200, 200, 200, 200),
        (),
        note="staff roles; members are sent to the admin login",
    ),
    T("GET /api/v1/health", "GET", "/api/v1/health", (200, 200, 200, 200, 200, 200, 200), ()),
    T("GET /api/v1/me", "GET", "/api/v1/me", (401, 200, 200, 200, 200, 200, 200), ()),
    T(
        "GET /api/v1/ip/coverage",
        "GET",
        "/api/v1/ip/coverage",
        (200, 200, 200, 200, 200, 200, 200),
        (("year", "2025"),),
    ),
    T(
        "GET /api/v1/ip/invention-applications",
        "GET",
        "/api/v1/ip/invention-applications",
        (200, 200, 200, 200, 200, 200, 200),
        (("year", "2025"),),
    ),
    T(
        "GET /api/v1/ip/coverage/holders",
        "GET",
        "/api/v1/ip/coverage/holders",
        (401, 403, 403, 403, 403, 200, 200),
        (("year", "2025"),),
    ),
    T(
        "GET /api/v1/ip/coverage/non-holders",
        "GET",
        "/api/v1/ip/coverage/non-holders",
        (401, 403, 403, 403, 403, 200, 200),
        (("year", "2025"),),
    ),
    T(
        "GET /api/v1/ip/enterprises/{uscc}/patents",
        "GET",
        "/api/v1/ip/enterprises/{uscc}/patents",
        (401, 403, 403, 403, 403, 200, 200),
        (),
        note="IP officers and administrators",
    ),
    T(
        "POST /api/v1/contracts",
        "POST",
        "/api/v1/contracts",
        (401, 201, 201, 403, 403, 403, 403),
        (),
        note="enterprise members (an empty body makes a draft)",
    ),
    T(
        "GET /api/v1/contracts/verify",
        "GET",
        "/api/v1/contracts/verify",
        (200, 200, 200, 200, 200, 200, 200),
        (("number", "{registration_number}"), ("code", "{verification_code}")),
    ),
    T(
        "GET /api/v1/contracts/stats",
        "GET",
        "/api/v1/contracts/stats",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "GET /api/v1/contracts/{contract_id}",
        "GET",
        "/api/v1/contracts/{contract}",
        (401, 200, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "PATCH /api/v1/contracts/{contract_id}",
        "PATCH",
        "/api/v1/contracts/{contract}",
        (401, 200, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "POST /api/v1/contracts/{contract_id}/attachments",
        "POST",
        "/api/v1/contracts/{contract}/attachments",
        (401, 201, 404, 404, 404, 404, 404),
        (("file", "@pdf"), ("kind", "signed_contract")),
    ),
    T(
        "POST /api/v1/contracts/{contract_id}/submit",
        "POST",
        "/api/v1/contracts/{contract}/submit",
        (401, 200, 404, 404, 404, 404, 404),
        (),
    ),
    T(
        "POST /api/v1/contracts/{contract_id}/review",
        "POST",
        "/api/v1/contracts/{contract}/review",
        (401, 403, 404, 404, 404, 404, 404),
        (("action", "accept"),),
        note="a draft is hidden from officers until it is submitted",
    ),
    T(
        "GET /api/v1/contracts/{contract_id}",
        "GET",
        "/api/v1/contracts/{submitted}",
        (401, 200, 404, 404, 200, 404, 200),
        (),
        note="submitted",
    ),
    T(
        "POST /api/v1/contracts/{contract_id}/review",
        "POST",
        "/api/v1/contracts/{submitted}/review",
        (401, 403, 404, 404, 200, 404, 200),
        (("action", "accept"),),
        note="submitted: registry officers review it",
    ),
    T(
        "GET /api/v1/contracts/{contract_id}/certificate.pdf",
        "GET",
        "/api/v1/contracts/{registered}/certificate.pdf",
        (401, 200, 404, 404, 200, 404, 200),
        (),
    ),
    T(
        "GET /api/v1/search",
        "GET",
        "/api/v1/search",
        (200, 200, 200, 200, 200, 200, 200),
        (("q", "消泡剂"),),
    ),
    T(
        "GET /api/v1/search/suggest",
        "GET",
        "/api/v1/search/suggest",
        (200, 200, 200, 200, 200, 200, 200),
        (("q", "消泡"),),
    ),
    T(
        "GET /api/v1/market/listings",
        "GET",
        "/api/v1/market/listings",
        (200, 200, 200, 200, 200, 200, 200),
        (),
    ),
    T(
        "POST /api/v1/market/listings/{listing_id}/inquiries",
        "POST",
        "/api/v1/market/listings/{listing}/inquiries",
        (401, 400, 201, 403, 403, 403, 403),
        (("message", "请报价"),),
        note="members of an organisation; A on its own listing: 400; staff (no organisation): 403",
    ),
    T(
        "GET /api/v1/market/inquiries",
        "GET",
        "/api/v1/market/inquiries",
        (401, 200, 200, 200, 200, 200, 200),
        (),
    ),
]


# Inside one organisation: its 机构管理员 versus a plain member, a member of another
# organisation, a signed-up person without one (the applicant of {pending_org}) and the
# platform administrator. Enforced by tests/accounts/test_org_access_matrix.py.
ORG_ROLES = ("anonymous", "applicant", "org_member", "org_admin", "other_org_admin", "admin")
ORG_ROLE_TITLES = {
    "anonymous": "匿名",
    "applicant": "无机构的申请人",
    "org_member": "A 普通成员",
    "org_admin": "A 机构管理员",
    "other_org_admin": "B 机构管理员",
    "admin": "平台管理员",
}
ORG_TARGETS: list[Target] = [
    T(
        "accounts:organization_members",
        "GET",
        "/accounts/organizations/{org_a}/members/",
        (302, 403, 403, 200, 403, 403),
    ),
    T(
        "accounts:invitation_create",
        "POST",
        "/accounts/organizations/{org_a}/invitations/",
        (302, 403, 403, 302, 403, 403),
        (("email", "new@example.com"),),
    ),
    T(
        "accounts:invitation_revoke",
        "POST",
        "/accounts/invitations/{invitation}/revoke/",
        (302, 403, 403, 302, 403, 403),
    ),
    T(
        "accounts:join_request_decide",
        "POST",
        "/accounts/join-requests/{join_request}/",
        (302, 403, 403, 302, 403, 403),
        (("decision", "accept"),),
    ),
    T(
        "accounts:member_role",
        "POST",
        "/accounts/members/{membership_member}/role/",
        (302, 403, 403, 302, 403, 403),
        (("role", "administrator"),),
    ),
    T(
        "accounts:member_remove",
        "POST",
        "/accounts/members/{membership_member}/remove/",
        (302, 403, 302, 302, 403, 403),
        (),
        note="the member may leave; the administrator may remove",
    ),
    T(
        "accounts:licence",
        "GET",
        "/accounts/organizations/{pending_org}/licence/",
        (302, 200, 403, 403, 403, 200),
        (),
        note="the applicant and the platform's reviewers",
    ),
    T(
        "accounts:review_decide",
        "POST",
        "/accounts/review/{pending_org}/",
        (302, 403, 403, 403, 403, 302),
        (("decision", "approve"),),
    ),
]


# The plan monitor has roles of its own, so its table has its own columns. World: 市统计局's
# reporter `reporter_tjj` owns the draft report {report} (R&D share of GDP, 2018, with evidence
# {evidence}) and the submitted report {submitted}; `reporter_rsj` reports for 市人社局; the
# bulletin {bulletin} is a draft, {published} is published; the registry holds enterprise {uscc}.
PLAN_ROLES = (
    "anonymous",
    "member_a",
    "ip_officer",
    "reporter_tjj",
    "reporter_rsj",
    "plan_office",
    "funding_officer",
    "admin",
)
PLAN_ROLE_TITLES = {
    "anonymous": "匿名",
    "member_a": "企业成员",
    "ip_officer": "知识产权专员",
    "reporter_tjj": "统计局填报员",
    "reporter_rsj": "人社局填报员",
    "plan_office": "规划办公室",
    "funding_officer": "资金审核员",
    "admin": "管理员",
}
OFFICE_ONLY_PAGE = (302, 403, 403, 403, 403, 200, 403, 200)
OFFICE_ONLY_POST = (302, 403, 403, 403, 403, 302, 403, 302)
OWN_REPORT_POST = (302, 404, 404, 302, 404, 403, 404, 403)
PLAN_TARGETS: list[Target] = [
    T("plan:index", "GET", "/plan/", (200,) * 8),
    T("plan:indicator_detail", "GET", "/plan/indicators/rd_gdp/", (200,) * 8),
    T("plan:dashboard", "GET", "/plan/dashboard/", OFFICE_ONLY_PAGE),
    T("plan:scoreboard", "GET", "/plan/districts/", OFFICE_ONLY_PAGE),
    T(
        "plan:reports",
        "GET",
        "/plan/reports/",
        (302, 403, 403, 200, 200, 200, 403, 200),
        note="a reporter's list holds only its departments' indicators",
    ),
    T(
        "plan:report_create",
        "POST",
        "/plan/reports/new/",
        (302, 403, 403, 302, 400, 403, 403, 403),
        (("indicator", "{rd_gdp}"), ("year", "2019"), ("quarter", "4"), ("value", "2.5")),
        note="lead department's reporters only; another department's indicator: 400",
    ),
    T(
        "plan:report_detail",
        "GET",
        "/plan/reports/{report}/",
        (302, 403, 403, 200, 404, 200, 403, 200),
        note="other departments: 404",
    ),
    T(
        "plan:evidence_upload",
        "POST",
        "/plan/reports/{report}/evidence/",
        OWN_REPORT_POST,
        (("file", "@pdf"),),
        note="the office reads but does not write reports",
    ),
    T(
        "plan:evidence_download",
        "GET",
        "/plan/reports/{report}/evidence/{evidence}/",
        (302, 404, 404, 200, 404, 200, 404, 200),
    ),
    T(
        "plan:evidence_delete",
        "POST",
        "/plan/reports/{report}/evidence/{evidence}/delete/",
        OWN_REPORT_POST,
    ),
    T("plan:report_submit", "POST", "/plan/reports/{report}/submit/", OWN_REPORT_POST),
    T(
        "plan:report_review",
        "POST",
        "/plan/reports/{submitted}/review/",
        OFFICE_ONLY_POST,
        (("action", "accept"),),
    ),
    T(
        "plan:eligibility",
        "GET",
        "/plan/eligibility/",
        (302, 403, 403, 403, 403, 200, 200, 200),
        (("uscc", "{uscc}"), ("year", "2019")),
    ),
    T("plan:bulletins", "GET", "/plan/bulletins/", (200,) * 8, note="drafts: office only"),
    T(
        "plan:bulletin_generate",
        "POST",
        "/plan/bulletins/generate/",
        OFFICE_ONLY_POST,
        (("year", "2019"), ("quarter", "3")),
    ),
    T("plan:bulletin_publish", "POST", "/plan/bulletins/{bulletin}/publish/", OFFICE_ONLY_POST),
    T(
        "plan:bulletin_pdf",
        "GET",
        "/plan/bulletins/{bulletin}.pdf",
        (404, 404, 404, 404, 404, 200, 404, 200),
        note="a draft; published bulletins: everyone (next row)",
    ),
    T("plan:bulletin_pdf (published)", "GET", "/plan/bulletins/{published}.pdf", (200,) * 8),
    T("GET /api/v1/plan/indicators", "GET", "/api/v1/plan/indicators", (200,) * 8),
    T(
        "GET /api/v1/plan/enterprises/{uscc}/eligibility",
        "GET",
        "/api/v1/plan/enterprises/{uscc}/eligibility",
        (401, 403, 403, 403, 403, 200, 200, 200),
        (("year", "2019"),),
    ),
]


def _org_markdown() -> list[str]:
    lines = [
        "",
        "## Inside an organisation",
        "",
        "Organisation A has a 机构管理员 and a plain member; B has its own administrator; the",
        "applicant has signed up and applied for an organisation that awaits review. Enforced by",
        "`tests/accounts/test_org_access_matrix.py` (`ORG_TARGETS`).",
        "",
        "| URL name | method | path | "
        + " | ".join(ORG_ROLE_TITLES[r] for r in ORG_ROLES)
        + " | note |",
        "|" + "---|" * (len(ORG_ROLES) + 4),
    ]
    for t in ORG_TARGETS:
        cells = " | ".join(str(s) for s in t.expected)
        lines.append(f"| `{t.name}` | {t.method} | `{t.path}` | {cells} | {t.note} |")
    return lines


def render_markdown() -> str:
    lines = [
        "# Access-control matrix",
        "",
        "Generated from `tests/security/access_matrix.py` (`TARGETS`) by",
        "`.venv/bin/python -m tests.security.access_matrix`; enforced by",
        "`tests/security/test_access_matrix.py`, which runs every row for every role on SQLite",
        "and PostgreSQL in `.ci/run` and fails when this file is out of date.",
        "",
        "World: organisation A (its member `member_a`) owns a draft contract with an attachment,",
        "a submitted and a registered contract, a live technology listing and a live demand;",
        "`member_b` of organisation B sent an inquiry about A's listing; the registry holds one",
        "enterprise and one patent. A draft is the applicant's own until it is submitted.",
        "Each request runs in a rolled-back savepoint, so one role's POST does not change what",
        "the next role sees. POST rows send an empty or minimal form/body.",
        "",
        "Statuses: 200 ok · 302 redirect (anonymous: to the login page; others: after the",
        "action) · 400 refused input · 401 API login required · 403 forbidden · 404 hidden",
        "(the object's existence is not revealed) · 405 wrong method.",
        "",
        "| URL name / API operation | method | path | "
        + " | ".join(ROLE_TITLES[r] for r in ROLES)
        + " | note |",
        "|" + "---|" * (len(ROLES) + 4),
    ]
    for t in TARGETS:
        cells = " | ".join(str(s) for s in t.expected)
        lines.append(f"| `{t.name}` | {t.method} | `{t.path}` | {cells} | {t.note} |")
    lines += _org_markdown()
    lines += [
        "",
        "## Plan monitor (`plan/`)",
        "",
        "The plan monitor's roles: the plan office (领导小组办公室) reviews reports and publishes",
        "bulletins; a lead department's reporters (role `plan_reporter` and membership of the",
        "department) report its indicators; funding officers check eligibility. World: 市统计局's",
        "reporter owns a draft report with evidence and a submitted one; 人社局's reporter belongs",
        "to another department; one bulletin is a draft, one is published.",
        "",
        "| URL name / API operation | method | path | "
        + " | ".join(PLAN_ROLE_TITLES[r] for r in PLAN_ROLES)
        + " | note |",
        "|" + "---|" * (len(PLAN_ROLES) + 4),
    ]
    for t in PLAN_TARGETS:
        cells = " | ".join(str(s) for s in t.expected)
        lines.append(f"| `{t.name}` | {t.method} | `{t.path}` | {cells} | {t.note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render_markdown(), encoding="utf-8")
    print(
        f"wrote {DOC} ({len(TARGETS)} rows × {len(ROLES)} roles, "
        f"{len(PLAN_TARGETS)} plan rows × {len(PLAN_ROLES)} roles)"
    )

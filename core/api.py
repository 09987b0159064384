from http import HTTPStatus

from django.db import DatabaseError, connection
from ninja import Router, Schema, Status
from wagtail import hooks

from core.api_docs import gettext_lazy
from core.selectors import organizations_for_user

router = Router(tags=["platform"])


class DatabaseStatus(Schema):
    ok: bool
    vendor: str
    error: str | None = None


class SearchStatus(Schema):
    ok: bool
    backend: str
    error: str | None = None
    cluster_status: str | None = None


class HealthOut(Schema):
    status: str
    database: DatabaseStatus
    search: SearchStatus


# The search app answers for itself through this hook (core sits below search and cannot import
# it); the hook returns a SearchStatus dict.
SEARCH_STATUS_HOOK = "health_search_status"


def _search_status() -> dict:
    for search_status in hooks.get_hooks(SEARCH_STATUS_HOOK):
        return search_status()
    return {"ok": False, "backend": "none", "error": "search app not installed"}


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


@router.get(
    "/health",
    auth=None,
    response={HTTPStatus.OK: HealthOut, HTTPStatus.SERVICE_UNAVAILABLE: HealthOut},
    summary=gettext_lazy("数据库与检索后端状态"),
)
def health(request):
    database = _database_status()
    search = _search_status()
    if not database["ok"]:
        status = "down"
    elif not search["ok"]:
        status = "degraded"  # search falls back to the database; the site still serves
    else:
        status = "ok"
    code = HTTPStatus.SERVICE_UNAVAILABLE if status == "down" else HTTPStatus.OK
    return Status(code, {"status": status, "database": database, "search": search})


class OrganizationOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str


class MeOut(Schema):
    username: str
    roles: list[str]
    organizations: list[OrganizationOut]


@router.get("/me", response=MeOut, summary=gettext_lazy("当前用户、角色与所属机构"))
def me(request):
    user = request.user
    return {
        "username": user.get_username(),
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "organizations": list(organizations_for_user(user=user)),
    }

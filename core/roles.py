"""Roles are Django groups; code refers to them through this enum, never by literal names."""

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE_MEMBER = "enterprise_member", "企业/机构成员"
    MARKET_MODERATOR = "market_moderator", "市场审核员"
    REGISTRY_OFFICER = "registry_officer", "合同登记员"
    IP_OFFICER = "ip_officer", "知识产权专员"
    ADMINISTRATOR = "administrator", "管理员"
    PLAN_OFFICE = "plan_office", "规划办公室"
    PLAN_REPORTER = "plan_reporter", "部门填报员"
    FUNDING_OFFICER = "funding_officer", "资金审核员"


# Roles whose holders work in the Wagtail/Django admin.
STAFF_ROLES = {
    Role.MARKET_MODERATOR,
    Role.REGISTRY_OFFICER,
    Role.IP_OFFICER,
    Role.ADMINISTRATOR,
    Role.PLAN_OFFICE,
}


def user_has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(group.name == role.value for group in user.groups.all())

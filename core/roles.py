"""Roles are Django groups; code refers to them through this enum, never by literal names."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE_MEMBER = "enterprise_member", _("企业/机构成员")
    MARKET_MODERATOR = "market_moderator", _("市场审核员")
    REGISTRY_OFFICER = "registry_officer", _("合同登记员")
    IP_OFFICER = "ip_officer", _("知识产权专员")
    ADMINISTRATOR = "administrator", _("管理员")
    PLAN_OFFICE = "plan_office", _("规划办公室")
    PLAN_REPORTER = "plan_reporter", _("部门填报员")
    FUNDING_OFFICER = "funding_officer", _("资金审核员")


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

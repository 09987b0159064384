"""Who may do what in the plan monitor (roles are core's groups; departments are plan data)."""

from core.roles import Role, user_has_role


def is_plan_office(user) -> bool:
    """The plan office (领导小组办公室) and administrators: review reports, publish bulletins."""
    return user_has_role(user, Role.PLAN_OFFICE) or user_has_role(user, Role.ADMINISTRATOR)


def is_plan_reporter(user) -> bool:
    return user_has_role(user, Role.PLAN_REPORTER) and not user.is_superuser


def may_check_eligibility(user) -> bool:
    """Funding officers decide awards and project funding; the plan office oversees them."""
    return user_has_role(user, Role.FUNDING_OFFICER) or is_plan_office(user)


def may_see_reports(user) -> bool:
    return is_plan_office(user) or (
        user.is_authenticated and user_has_role(user, Role.PLAN_REPORTER)
    )

from core.roles import Role, user_has_role


def is_ip_officer(user) -> bool:
    """IP officers and administrators see enterprise-level lists, the dashboard and imports."""
    return user_has_role(user, Role.IP_OFFICER) or user_has_role(user, Role.ADMINISTRATOR)

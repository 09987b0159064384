from core.roles import Role, user_has_role


def is_market_staff(user) -> bool:
    """Market moderators and administrators see the statistics and the flagged listings."""
    return user_has_role(user, Role.MARKET_MODERATOR) or user_has_role(user, Role.ADMINISTRATOR)

from django.db.models import QuerySet

from core.models import Organization
from core.types import AnyUser


def organizations_for_user(*, user: AnyUser) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)

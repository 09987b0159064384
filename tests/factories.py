import factory
from django.contrib.auth import get_user_model

from core.identifiers import make_uscc
from core.models import District, Industry, Membership, Organization

PASSWORD = "correct-horse-battery-staple"
# Staff roles must sign in with TOTP (accounts.middleware); test staff share this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def activate_totp(user) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)


def totp_code(offset: int = 0) -> str:
    """The authenticator app's current code (offset in 30-second steps)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + offset))


def _org_body(n: int) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = ""
    for _ in range(6):
        n, r = divmod(n, len(alphabet))
        body = alphabet[r] + body
    return "MB" + body


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if obj.email:  # staff-made accounts have verified addresses (core.services)
                from allauth.account.models import EmailAddress

                EmailAddress.objects.get_or_create(
                    user=obj, email=obj.email, defaults={"verified": True, "primary": True}
                )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"盘锦测试{n}科技有限公司")
    uscc = factory.Sequence(lambda n: make_uscc("91211100", _org_body(n)))
    kind = Organization.Kind.ENTERPRISE
    district = factory.LazyFunction(lambda: District.objects.get(name="兴隆台区"))
    industry = factory.LazyFunction(lambda: Industry.objects.get(name="精细化工"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)

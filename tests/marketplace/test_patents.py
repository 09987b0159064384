from datetime import date
from http import HTTPStatus

import pytest

from core.roles import Role
from ip_registry.selectors import Holder, PatentSnapshot
from marketplace import patents as market_patents
from marketplace.models import ListingPatentCheck
from marketplace.selectors import listings_flagged
from marketplace.services import listing_patents_check
from tests.factories import OrganizationFactory
from tests.marketplace.factories import make_listing

pytestmark = pytest.mark.django_db

A, B = "202010574318.6", "201710601862.3"


def snapshot(number, *, in_force=True, holder=None):
    return PatentSnapshot(
        number=number,
        title=f"专利{number}",
        patent_type="1",
        patent_type_label="发明",
        status="granted" if in_force else "terminated",
        status_label="有效" if in_force else "未缴年费终止",
        in_force=in_force,
        holders=(holder,) if holder else (),
        expiry_date=date(2040, 6, 1),
        url=f"/registry/patents/{number}/",
    )


@pytest.fixture
def registry(monkeypatch):
    data = {}
    monkeypatch.setattr(
        market_patents, "_snapshots", lambda numbers, on: {n: data[n] for n in numbers if n in data}
    )
    return data


@pytest.fixture
def owner_org():
    return OrganizationFactory(name="盘锦专利持有人有限公司")


def test_valid_patent_held_by_owner_is_not_flagged(client, registry, owner_org):
    page = make_listing(organization=owner_org, patents=f"{A}\n{B}")
    registry[A] = snapshot(A, holder=Holder(name=owner_org.name, uscc=owner_org.uscc))
    registry[B] = snapshot(
        B, in_force=False, holder=Holder(name=owner_org.name, uscc=owner_org.uscc)
    )
    check = listing_patents_check(listing=page)
    assert not check.flagged
    html = client.get(page.url).content.decode()
    assert "有效" in html and "2040-06-01" in html and owner_org.name in html
    assert "未缴年费终止" in html and "专利状态存疑" not in html


def test_all_lapsed_patents_flag_the_listing(client, registry, owner_org):
    page = make_listing(organization=owner_org, patents=A)
    registry[A] = snapshot(
        A, in_force=False, holder=Holder(name=owner_org.name, uscc=owner_org.uscc)
    )
    check = listing_patents_check(listing=page)
    assert check.flagged and "已失效" in check.reason
    html = client.get(page.url).content.decode()
    assert "专利状态存疑" in html
    assert [row["page"].pk for row in listings_flagged()] == [page.pk]


def test_patents_held_by_someone_else_flag_the_listing(client, registry, owner_org, make_user):
    page = make_listing(organization=owner_org, patents=A)
    registry[A] = snapshot(A, holder=Holder(name="别人家公司", uscc=""))
    assert listing_patents_check(listing=page).flagged
    assert "专利权人不是发布机构" in client.get(page.url).content.decode()
    # Moderators see the flagged list; members do not.
    from core.roles import Role

    client.force_login(make_user(Role.MARKET_MODERATOR, username="mod"))
    response = client.get("/market/stats/flagged/")
    assert response.status_code == HTTPStatus.OK and page.title in response.content.decode()
    client.force_login(make_user(username="nobody"))
    assert client.get("/market/stats/flagged/").status_code == HTTPStatus.FORBIDDEN


def test_unknown_patents_flag_and_no_patents_do_not(registry, owner_org):
    page = make_listing(organization=owner_org, patents=A)
    assert "登记库中无此专利" in listing_patents_check(listing=page).reason
    plain = make_listing(organization=owner_org, patents="")
    assert not listing_patents_check(listing=plain).flagged


def test_publishing_rechecks_and_shows_the_flag_in_the_editor(
    client, registry, owner_org, make_user
):
    registry[A] = snapshot(A, in_force=False)
    page = make_listing(organization=owner_org, patents=A)  # published → checked by the signal
    assert ListingPatentCheck.objects.get(page=page).flagged
    client.force_login(make_user(Role.ADMINISTRATOR, username="admin"))
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == HTTPStatus.OK
    assert "专利状态存疑" in response.content.decode()


def test_real_registry_lookup_is_used(owner_org):
    """Without the stub the registry's own selector answers (numbers absent → unknown)."""
    page = make_listing(organization=owner_org, patents=A)
    rows = market_patents.listing_patents(listing=page)
    assert [r.number for r in rows] == [A] and rows[0].snapshot is None


def test_daily_recheck_flags_lapsed_patents_and_tells_moderators(registry, owner_org, make_user):
    from io import StringIO

    from django.core.management import call_command

    from core.roles import Role
    from marketplace.models import Notice

    moderator = make_user(Role.MARKET_MODERATOR, username="mod2")
    holder = Holder(name=owner_org.name, uscc=owner_org.uscc)
    registry[A] = snapshot(A, holder=holder)
    page = make_listing(organization=owner_org, patents=A)
    assert not ListingPatentCheck.objects.get(page=page).flagged
    registry[A] = snapshot(A, in_force=False, holder=holder)  # the patent lapses
    out = StringIO()
    call_command("check_listing_patents", stdout=out)
    assert "存疑 1 条，新增存疑 1 条" in out.getvalue()
    assert ListingPatentCheck.objects.get(page=page).flagged
    assert Notice.objects.filter(user=moderator, subject__contains="专利状态存疑").count() == 1
    call_command("check_listing_patents", stdout=StringIO())
    assert Notice.objects.filter(user=moderator, subject__contains="专利状态存疑").count() == 1

import json

import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db

MARKET_ITEMS = ("专利存疑的挂牌", "技术市场统计")
REGISTRY_ITEMS = ("知识产权导入",)


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.MARKET_MODERATOR, MARKET_ITEMS, REGISTRY_ITEMS),
        (Role.IP_OFFICER, REGISTRY_ITEMS, MARKET_ITEMS),
        (Role.REGISTRY_OFFICER, (), MARKET_ITEMS + REGISTRY_ITEMS),
    ],
)
def test_admin_menu_items_are_shown_to_their_roles_only(client, make_user, role, shown, hidden):
    client.force_login(make_user(role))
    page = client.get("/admin/").content.decode()
    # The sidebar's items travel as JSON with non-ASCII escaped.
    labels = {label: json.dumps(label)[1:-1] for label in shown + hidden}
    assert all(labels[label] in page for label in shown)
    assert not any(labels[label] in page for label in hidden)

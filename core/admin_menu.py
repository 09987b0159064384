from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.types import AnyUser


class MenuItemFor(MenuItem):
    """A Wagtail admin menu item shown only to the users `shown_to` accepts."""

    def __init__(self, *args, shown_to: Callable[[AnyUser], bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request: HttpRequest) -> bool:
        return self.shown_to(request.user)


def admin_menu_item_register(
    label: str | Promise,
    url_name: str,
    *,
    icon_name: str,
    order: int,
    shown_to: Callable[[AnyUser], bool],
) -> None:
    """Add a page of the app to the Wagtail admin menu, for the users `shown_to` accepts."""

    def menu_item() -> MenuItemFor:
        url = reverse(url_name)  # resolved when the menu is built, after the URLconf loads
        return MenuItemFor(label, url, icon_name=icon_name, order=order, shown_to=shown_to)

    hooks.register("register_admin_menu_item", menu_item)

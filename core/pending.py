"""A form posted after the session ran out is not lost: what was typed waits in the (anonymous)
session while the user logs in, and the form comes back filled in for them to send again.

It is never submitted on the user's behalf: a forged cross-site POST could otherwise be
replayed with the victim's rights once they log in.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, QueryDict

SESSION_KEY = "pending_input"
MAX_CHARACTERS = 100_000  # keeps a forged or huge post from bloating the session


def login_required_keeping_input(
    view: Callable | None = None, *, resume: Callable[..., str] | None = None
):
    """`login_required` that keeps an anonymous POST for the page the user returns to.

    `resume(request, *args, **kwargs)` names that page when it is not the posted URL (a
    POST-only endpoint resumes on the page that shows its form).
    """

    def decorate(view_func):
        @wraps(view_func)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.user.is_authenticated:
                return view_func(request, *args, **kwargs)
            target = resume(request, *args, **kwargs) if resume else request.get_full_path()
            if request.method == "POST":
                data = {
                    name: values
                    for name, values in request.POST.lists()
                    if name != "csrfmiddlewaretoken"
                }
                if sum(len(v) for values in data.values() for v in values) <= MAX_CHARACTERS:
                    path = target.split("?", 1)[0].split("#", 1)[0]
                    request.session[SESSION_KEY] = {"path": path, "data": data}
            return redirect_to_login(target)

        return wrapped

    return decorate(view) if view is not None else decorate


def pending_input(request: HttpRequest) -> QueryDict | None:
    """The input kept for this page before a login, once; None when there is none."""
    pending = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for name, values in pending["data"].items():
        data.setlist(name, values)
    return data

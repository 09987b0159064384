def login_identifier(request, credentials: dict | None) -> str | None:
    """What django-axes counts failed logins under: the username or e-mail that was typed.

    allauth passes `username=` or `email=` to authenticate() depending on what the person
    typed; its form field is `login`, Django's own is `username`.
    """
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return value or None

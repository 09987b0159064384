"""The TLS proxy's part for a client talking plain HTTP to gunicorn on loopback.

`make prove` now puts nginx in front (deploy/nginx/), and its clients talk HTTPS: this is only
for a run straight against gunicorn (a --host of http://…).

Production sets Secure session and CSRF cookies. Behind the real proxy the browser sends them
over HTTPS; here the client talks http://127.0.0.1, and requests would withhold Secure cookies
(its per-request jars use the default policy). So every request carries `X-Forwarded-Proto:
https` (honoured because the server runs with DJANGO_BEHIND_TLS_PROXY=1), the session's cookies
as an explicit Cookie header, and redirects are followed here, each hop with the cookies.
"""

from urllib.parse import urljoin

MAX_REDIRECTS = 5


def behind_tls_proxy(session) -> None:
    """Patch a requests.Session (or locust's HttpSession) in place. Over HTTPS (nginx in
    front, as `make prove` runs it) there is nothing to play: requests go out untouched."""
    if str(getattr(session, "base_url", "") or "").startswith("https://"):
        return
    send = session.request

    def request(method, url, **kwargs):
        if str(url).startswith("https://"):
            return send(method, url, **kwargs)
        follow = kwargs.pop("allow_redirects", True)
        headers = dict(kwargs.pop("headers", None) or {})
        for _ in range(MAX_REDIRECTS + 1):
            hop = {"X-Forwarded-Proto": "https", **headers}
            cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
            if cookies:
                hop["Cookie"] = cookies
            response = send(method, url, headers=hop, allow_redirects=False, **kwargs)
            if not (follow and response.is_redirect):
                return response
            url = urljoin(response.url, response.headers["Location"])
            kwargs = {k: v for k, v in kwargs.items() if k in ("name", "timeout")}
            if "name" in kwargs:
                kwargs["name"] = f"{kwargs['name']} → redirect"
            method = "GET"
            headers = {}
        return response

    session.request = request

"""Fuzz the live server: schemathesis over every API operation, writes read back everywhere.

    .venv/bin/python bench/load/fuzz_live.py --host http://127.0.0.1:8403 --fixture F.json \
        --access-log gunicorn-access.log [--examples 20] [--seed N]

Runs against the production stack `make prove` started (gunicorn, config.settings.production),
over HTTP like any client, not in-process. Random generation with a fresh seed per run, printed
first so a failure can be replayed with --seed. Three roles call every operation: anonymous,
an enterprise member (bearer token) and an administrator.

After every write the server accepted (2xx on POST/PATCH), every GET operation of the API that
lists or shows that resource, and the pages that show it, are read back: each must answer
below 500 and, for the resource itself, show the written values. A Hypothesis property then
checks across requests that any value an operation accepts is readable afterwards (inquiry
budgets and messages; contract amounts and names).

Server errors are counted from the server's own access log (the lines written during this run),
not from this script's verdicts. Prints one JSON line with the figures; exits 1 on any 5xx,
failed read-back or property counterexample.
"""

import argparse
import json
import os
import re
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

import django
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench/load"))
from loopback import behind_tls_proxy  # noqa: E402

PROXY = {"X-Forwarded-Proto": "https"}  # the TLS proxy's header (DJANGO_BEHIND_TLS_PROXY=1)


def tokens_for(fixture: dict) -> dict:
    """Bearer tokens for one member (a buyer) and one administrator, made in the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    from django.contrib.auth import get_user_model

    from core.roles import Role
    from core.services import api_token_create

    user_model = get_user_model()
    buyer = user_model.objects.get(username=fixture["buyers"][0])
    admin = user_model.objects.filter(groups__name=Role.ADMINISTRATOR.value).first()
    admin = admin or user_model.objects.filter(is_superuser=True).first()
    # The inquiry property spreads its writes over several buyers (each has a rate limit).
    buyers = user_model.objects.filter(username__in=fixture["buyers"][1:21])
    return {
        "anonymous": None,
        "member": api_token_create(user=buyer, name="fuzz-live")[1],
        "admin": api_token_create(user=admin, name="fuzz-live")[1],
        "buyers": [
            (user.username, api_token_create(user=user, name="fuzz-live")[1]) for user in buyers
        ],
    }


def headers_for(token: str | None) -> dict:
    return {**PROXY, **({"Authorization": f"Bearer {token}"} if token else {})}


def login(host: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    behind_tls_proxy(session)
    session.get(f"{host}/accounts/login/")
    https = host.replace("http://", "https://", 1)
    session.post(
        f"{host}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "login": username,  # allauth's field name, should the form be allauth's
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{https}/accounts/login/"},
        allow_redirects=False,
    )
    return session


class Run:
    def __init__(self, host: str, tokens: dict, pages: requests.Session, password: str):
        self.host = host
        self.tokens = tokens
        self.pages = pages
        self.password = password
        self.sessions: dict[str, requests.Session] = {}
        self.calls = 0
        self.writes = 0
        self.readbacks = 0
        self.failures: list[str] = []

    def get(self, path: str, token: str | None) -> requests.Response:
        self.readbacks += 1
        return requests.get(self.host + path, headers=headers_for(token), timeout=30)

    def pages_for(self, username: str) -> requests.Session:
        if username not in self.sessions:
            self.sessions[username] = login(self.host, username, self.password)
        return self.sessions[username]

    def fail(self, message: str) -> None:
        if len(self.failures) < 50:
            self.failures.append(message)

    def read_back(self, method: str, path: str, token: str | None, body) -> None:
        """Every API operation and page that shows what was just written."""
        resource = body if isinstance(body, dict) else {}
        api_reads, page_reads = [], []
        if "/inquiries" in path:
            api_reads = ["/api/v1/market/inquiries"]
            page_reads = ["/market/inquiries/"]
            if "id" in resource:
                page_reads.append(f"/market/inquiries/{resource['id']}/")
        elif path.startswith("/api/v1/contracts"):
            api_reads = ["/api/v1/contracts", "/api/v1/contracts/stats"]
            if "id" in resource and "status" in resource:
                api_reads.append(f"/api/v1/contracts/{resource['id']}")
                page_reads.append(f"/contracts/{resource['id']}/")
        for read in api_reads:
            response = self.get(read, token)
            if response.status_code >= 500:
                self.fail(f"read-back {read} after {method} {path} → {response.status_code}")
            elif read.endswith(f"/{resource.get('id')}") and response.status_code == 200:
                shown = response.json()
                for key, value in resource.items():
                    if (
                        key in shown
                        and key not in ("updated_at", "missing")
                        and shown[key] != value
                    ):
                        self.fail(f"{read}: {key} written {value!r}, read {shown[key]!r}")
        for read in page_reads:
            self.readbacks += 1
            response = self.pages.get(self.host + read, timeout=30)
            if response.status_code >= 500:
                self.fail(f"page {read} after {method} {path} → {response.status_code}")


def fuzz_operations(run: Run, schema, examples: int, run_seed: int) -> int:
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        check = _operation_check(run, operation, examples, run_seed)
        check()
    return len(operations)


def _operation_check(run: Run, operation, examples: int, run_seed: int):
    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    @given(case=operation.as_strategy())
    def check(case):
        for who, token in run.tokens.items():
            run.calls += 1
            response = case.call(base_url=run.host, headers=headers_for(token), timeout=30)
            if response.status_code >= 500:
                run.fail(f"{who}: {case.method} {case.formatted_path} → {response.status_code}")
                continue
            if case.method in ("POST", "PATCH", "PUT") and response.status_code < 300:
                run.writes += 1
                try:
                    body = response.json()
                except ValueError:
                    body = None
                run.read_back(case.method, case.formatted_path, token, body)

    return check


def property_accepted_is_readable(run: Run, fixture: dict, examples: int, run_seed: int) -> dict:
    """Any value an operation accepts is readable afterwards, by the API and the pages."""
    buyers = iter(run.tokens["buyers"] * (examples + 1))
    listing = fixture["inquirable"][0]["id"]
    figures = {"tried": 0, "accepted": 0}
    amounts = st.one_of(
        st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2),
        st.decimals(allow_nan=True, allow_infinity=True, places=None),
        st.integers(min_value=-(10**25), max_value=10**25),
        st.text(max_size=30),
    )

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate])
    @given(budget=amounts, message=st.text(min_size=1, max_size=300).filter(str.strip))
    def inquiry(budget, message):
        figures["tried"] += 1
        username, token = next(buyers)
        value = str(budget) if isinstance(budget, Decimal) else budget
        response = requests.post(
            f"{run.host}/api/v1/market/listings/{listing}/inquiries",
            json={"message": message, "budget_wan": value},
            headers=headers_for(token),
            timeout=30,
        )
        if response.status_code >= 500:
            run.fail(f"property: inquiry budget={value!r} → {response.status_code}")
            return
        if response.status_code != 201:
            return
        figures["accepted"] += 1
        created = response.json()
        listed = run.get("/api/v1/market/inquiries", token)
        if listed.status_code != 200:
            run.fail(f"property: inquiries list → {listed.status_code} after budget={value!r}")
            return
        mine = [i for i in listed.json()["sent"] if i["id"] == created["id"]]
        if not mine or not _same_amount(mine[0]["budget_wan"], value):
            run.fail(f"property: budget {value!r} accepted, read back as {mine}")
            return
        page = run.pages_for(username).get(
            f"{run.host}/market/inquiries/{created['id']}/", timeout=30
        )
        if page.status_code >= 500:
            run.fail(f"property: inquiry page → {page.status_code} after budget={value!r}")

    inquiry()
    return figures


def _same_amount(shown, written) -> bool:
    if shown is None or written is None:
        return shown is None and written in (None, "")
    try:
        return Decimal(str(shown)) == Decimal(str(written))
    except ArithmeticError:
        return False


_NGINX_STATUS = re.compile(r'"status":(\d{3})[,}]')


def server_errors(access_log: Path, offset: int) -> tuple[int, int]:
    """(requests, 5xx) in the access log after `offset` bytes: nginx's JSON lines
    (deploy/nginx/panjin.conf.template) or gunicorn's '%(s)s %(m)s %(U)s'."""
    with access_log.open("rb") as handle:
        handle.seek(offset)
        # "\n" only: nginx's decoded $uri may hold characters splitlines() breaks at.
        lines = handle.read().decode("utf-8", "replace").split("\n")
    statuses = [
        _NGINX_STATUS.search(line).group(1)  # type: ignore[union-attr]
        if _NGINX_STATUS.search(line)
        else line.split(" ", 1)[0]
        for line in lines
        if line.strip()
    ]
    return len(statuses), sum(1 for s in statuses if s.startswith("5"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--access-log", required=True)
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    run_seed = args.seed if args.seed is not None else secrets.randbits(32)
    print(f"fuzz_live: seed {run_seed}", flush=True)
    fixture = json.loads(Path(args.fixture).read_text(encoding="utf-8"))
    access_log = Path(args.access_log)
    offset = access_log.stat().st_size if access_log.exists() else 0
    started = time.time()
    tokens = tokens_for(fixture)
    pages = login(args.host, fixture["buyers"][0], fixture["password"])
    run = Run(args.host, tokens, pages, fixture["password"])
    response = requests.get(f"{args.host}/api/v1/openapi.json", headers=PROXY, timeout=30)
    schema = schemathesis.openapi.from_dict(response.json())
    operations = fuzz_operations(run, schema, args.examples, run_seed)
    figures = property_accepted_is_readable(run, fixture, args.examples * 3, run_seed)
    time.sleep(1)  # gunicorn writes its access line after the response
    logged, five = server_errors(access_log, offset)
    result = {
        "seed": run_seed,
        "operations": operations,
        "calls": run.calls,
        "writes": run.writes,
        "readbacks": run.readbacks,
        "property_tried": figures["tried"],
        "property_accepted": figures["accepted"],
        "logged_requests": logged,
        "five_xx": five,
        "failures": run.failures,
        "seconds": round(time.time() - started, 1),
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if five == 0 and not run.failures and logged > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

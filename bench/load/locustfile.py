"""The platform's realistic mix, for `locust --headless` against a production-configured server.

Environment:
    LOAD_FIXTURE  JSON written by bench/load/prepare.py (accounts and samples of seeded data)
    LOAD_WRITES   JSONL file; every write the server confirmed is appended (kind, id, …) so
                  bench/load/verify.py can find each one in the database and the index
    LOAD_STATUS   JSON file written at the end: status codes per endpoint and every non-2xx/3xx
                  answer with its time (the fault scenarios compare them with outage windows),
                  and which backend served each search (a fallback to the database counts)

The server runs with DJANGO_BEHIND_TLS_PROXY=1; this client plays the TLS proxy's part: every
request carries `X-Forwarded-Proto: https`, POSTs a same-origin https Referer (Django's CSRF
check for secure requests) and the cookie jar returns the Secure session and CSRF cookies.

User classes: AnonymousVisitor, Buyer, Applicant, Registrar, IPOfficer (the mix); Healthz,
SearchPage (the long tail by Zipf's law) and SearchPageNew (every query new): capacity probes,
run on their own.
"""

import base64
import hashlib
import hmac
import io
import itertools
import json
import os
import random
import re
import struct
import sys
import time
from collections import defaultdict
from pathlib import Path

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.load.loopback import behind_tls_proxy
from core.identifiers import make_patent_number


def totp_codes(secret: str) -> list[str]:
    """RFC 6238 codes for this 30-second step and its neighbours (allauth allows one each way)."""
    key = base64.b32decode(secret, casefold=True)
    step = int(time.time()) // 30
    codes = []
    for counter in (step, step + 1, step - 1):
        digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
        codes.append(f"{value % 1_000_000:06d}")
    return codes


FIXTURE = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text(encoding="utf-8"))
WRITES = os.environ.get("LOAD_WRITES", "")
STATUS = os.environ.get("LOAD_STATUS", "")
RUN = os.environ.get("LOAD_RUN", str(int(time.time())))

status_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
bad_answers: list[list] = []
search_backends: dict[str, int] = defaultdict(int)
# Shared by the gevent users of this process.
submitted_contracts: list[int] = []
INQUIRIES_PER_SESSION = 4
BUYERS = itertools.cycle(random.sample(FIXTURE["buyers"], len(FIXTURE["buyers"])))
patent_serial = [int(time.time() * 10) % 9_000_000]


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def record_write(kind: str, **fields) -> None:
    if WRITES:
        with open(WRITES, "a", encoding="utf-8") as f:
            f.write(json.dumps({"kind": kind, "t": time.time(), **fields}, ensure_ascii=False))
            f.write("\n")


@events.request.add_listener
def _count(request_type, name, response_time, response_length, response, exception, **kw):
    code = getattr(response, "status_code", None) or 0
    status_counts[name][str(code)] += 1
    if (code == 0 or code >= 400) and len(bad_answers) < 20000:
        body = ""
        if code >= 500 and response is not None:
            body = (response.text or "")[:300]
        bad_answers.append(
            [time.time(), request_type, name, code, str(exception or "")[:200], body]
        )


@events.test_stop.add_listener
def _dump(environment, **kw):
    if STATUS:
        Path(STATUS).write_text(
            json.dumps(
                {
                    "counts": status_counts,
                    "bad": bad_answers,
                    "search_backends": search_backends,
                    "search_cache": search_cache,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )


def note_search_backend(response) -> None:
    """The backend that served a search: the page says it in data-backend, the API in JSON."""
    if response.status_code != 200:
        return
    if "json" in response.headers.get("Content-Type", ""):
        backend = response.json().get("backend", "?")
    else:
        match = re.search(r'data-backend="(\w+)"', response.text or "")
        backend = match.group(1) if match else "?"
    search_backends[backend] += 1


class PlatformUser(HttpUser):
    abstract = True

    def on_start(self):
        # nginx's throwaway certificate (bench/prove.py); locust's session ignores the
        # environment's CA bundle, so it is given here.
        self.client.verify = os.environ.get("REQUESTS_CA_BUNDLE") or True
        behind_tls_proxy(self.client)
        self.https_base = self.host.replace("http://", "https://", 1)

    def post(self, path, *, name=None, **kwargs):
        headers = {"Referer": self.https_base + path}
        data = dict(kwargs.pop("data", {}))
        data["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
        return self.client.post(path, data=data, headers=headers, name=name or path, **kwargs)

    def login(self, username: str) -> bool:
        self.client.get("/accounts/login/", name="/accounts/login/")
        response = self.post(
            "/accounts/login/",
            data={"login": username, "password": FIXTURE["password"]},
            allow_redirects=False,
        )
        if response.headers.get("Location") == "/accounts/2fa/authenticate/":
            # Staff give their authenticator code. A code counts once per 30 s and user, so
            # two logins of the same account in one step try the neighbouring steps' codes.
            for code in totp_codes(FIXTURE["totp_secret"]):
                response = self.post(
                    "/accounts/2fa/authenticate/",
                    data={"code": code},
                    name="/accounts/2fa/authenticate/",
                    allow_redirects=False,
                )
                if response.status_code == 302:
                    break
        return response.status_code == 302


# -- anonymous visitors: search and browsing --------------------------------------------------
class AnonymousVisitor(PlatformUser):
    weight = 12
    wait_time = between(0.5, 2.0)

    @task(4)
    def search_page(self):
        q = random.choice(FIXTURE["queries"])
        note_search_backend(self.client.get(f"/search/?q={q}", name="/search/?q="))

    @task(3)
    def search_api(self):
        q = random.choice(FIXTURE["queries"])
        note_search_backend(self.client.get(f"/api/v1/search?q={q}", name="/api/v1/search?q="))

    @task(2)
    def market_list(self):
        self.client.get("/market/results/", name="/market/results/")

    @task(3)
    def listing(self):
        self.client.get(random.choice(FIXTURE["listings"])["url"], name="/market/[listing]/")

    @task(2)
    def enterprise(self):
        uscc = random.choice(FIXTURE["enterprises"])
        self.client.get(f"/registry/enterprises/{uscc}/", name="/registry/enterprises/[uscc]/")

    @task(2)
    def patent(self):
        number = random.choice(FIXTURE["patents"])
        self.client.get(f"/registry/patents/{number}/", name="/registry/patents/[number]/")

    @task(1)
    def home(self):
        self.client.get("/", name="/")

    @task(1)
    def healthz(self):
        self.client.get("/healthz", name="/healthz")


# -- members: inquiries (marketplace) and contract submissions (contracts) --------------------
class Buyer(PlatformUser):
    weight = 3
    wait_time = between(1.0, 3.0)

    def on_start(self):
        super().on_start()
        self.sent = 0
        self.logged_in = self.login(next(BUYERS))

    @task(2)
    def inquire(self):
        if self.sent and self.sent % INQUIRIES_PER_SESSION == 0:
            # Inquiries are rate-limited per account (5 an hour): the next buyer takes over.
            self.post("/accounts/logout/", allow_redirects=False)
            self.client.cookies.clear()
            self.logged_in = self.login(next(BUYERS))
        if not self.logged_in:
            return
        self.sent += 1
        listing = random.choice(FIXTURE["inquirable"])
        self.client.get(listing["url"], name="/market/[listing]/ (member)")
        message = f"负载测试询价 {RUN}-{random.randrange(10**9)}：请介绍应用规模与价格。"
        response = self.post(
            f"/market/inquiries/new/{listing['id']}/",
            name="/market/inquiries/new/[id]/",
            data={"message": message, "budget_wan": "50"},
            allow_redirects=False,
        )
        match = re.search(r"/market/inquiries/(\d+)/", response.headers.get("Location", ""))
        if response.status_code == 302 and match:
            record_write("inquiry", id=int(match.group(1)), message=message)
        elif response.status_code == 302:
            # Rate limit or a listing that just expired: the page explains it; not a write.
            status_counts["inquiry rejected by a rule"]["302"] += 1

    @task(1)
    def inbox(self):
        if self.logged_in:
            self.client.get("/market/inquiries/", name="/market/inquiries/")


class Applicant(PlatformUser):
    weight = 2
    wait_time = between(2.0, 5.0)

    def on_start(self):
        super().on_start()
        self.me = random.choice(FIXTURE["applicants"])
        self.logged_in = self.login(self.me["username"])

    @task(3)
    def submit_contract(self):
        if not self.logged_in:
            return
        page = self.client.get("/contracts/new/", name="/contracts/new/")
        # The page pre-fills the applicant as seller: an initial form, as the browser posts it.
        initial = re.search(r'name="seller-INITIAL_FORMS" value="(\d+)"', page.text or "")
        buyer = random.choice(FIXTURE["counterparties"])
        name = f"负载测试技术服务合同 {RUN}-{random.randrange(10**9)}"
        # Distinct terms: the registry refuses a second registration of the same contract.
        amount = str(random.randrange(100_000, 5_000_000))
        signed = f"2026-{random.randint(1, 9):02d}-{random.randint(1, 28):02d}"
        response = self.post(
            "/contracts/new/",
            name="/contracts/new/ (POST)",
            allow_redirects=False,
            data={
                "name": name,
                "contract_type": "service",
                "subtype": "service",
                "signed_on": signed,
                "valid_from": signed,
                "valid_until": "2026-12-31",
                "total_amount": amount,
                "declared_technical_amount": amount,
                "technology_field": "materials",
                "ip_type": "know_how",
                "payment_method": "lump_sum",
                "seller-TOTAL_FORMS": "1",
                "seller-INITIAL_FORMS": initial.group(1) if initial else "1",
                "seller-0-name": self.me["org"],
                "seller-0-uscc": self.me["uscc"],
                "seller-0-party_type": "enterprise",
                "seller-0-district": str(FIXTURE["district"]),
                "buyer-TOTAL_FORMS": "1",
                "buyer-INITIAL_FORMS": "0",
                "buyer-0-name": buyer["name"],
                "buyer-0-uscc": buyer["uscc"],
                "buyer-0-party_type": "enterprise",
                "buyer-0-district": str(FIXTURE["district"]),
                "cost-TOTAL_FORMS": "0",
                "cost-INITIAL_FORMS": "0",
                "ip-TOTAL_FORMS": "0",
                "ip-INITIAL_FORMS": "0",
            },
        )
        match = re.search(r"/contracts/(\d+)/$", response.headers.get("Location", ""))
        if response.status_code != 302 or not match:
            return
        pk = int(match.group(1))
        record_write("contract", id=pk, name=name)
        self.post(
            f"/contracts/{pk}/attachments/",
            name="/contracts/[id]/attachments/",
            data={"kind": "signed_contract"},
            files={"file": ("合同文本.pdf", PDF, "application/pdf")},
            allow_redirects=False,
        )
        response = self.post(
            f"/contracts/{pk}/submit/",
            name="/contracts/[id]/submit/",
            data={"explanation": "负载测试：已逐项核对。"},
        )
        if response.status_code == 200 and "已提交，登记机构受理" in response.text:
            record_write("contract_submitted", id=pk)
            submitted_contracts.append(pk)

    @task(1)
    def my_contracts(self):
        if self.logged_in:
            self.client.get("/contracts/", name="/contracts/")


# -- officers: contract registration review, IP dashboard and registry import ---------------
class Registrar(PlatformUser):
    fixed_count = 1
    wait_time = between(1.0, 3.0)

    def on_start(self):
        super().on_start()
        self.logged_in = self.login(random.choice(FIXTURE["registrars"]))

    @task
    def review(self):
        if not self.logged_in:
            return
        self.client.get("/contracts/queue/?status=submitted", name="/contracts/queue/")
        if not submitted_contracts:
            return
        pk = submitted_contracts.pop(0)
        self.post(f"/contracts/{pk}/act/accept/", name="/contracts/[id]/act/accept/")
        response = self.post(f"/contracts/{pk}/act/register/", name="/contracts/[id]/act/register/")
        if response.status_code == 200 and "当前状态：已登记" in response.text:
            record_write("contract_registered", id=pk)


class IPOfficer(PlatformUser):
    fixed_count = 1
    wait_time = between(1.0, 3.0)

    def on_start(self):
        super().on_start()
        self.logged_in = self.login(random.choice(FIXTURE["ip_officers"]))

    @task(3)
    def dashboard(self):
        if self.logged_in:
            self.client.get("/registry/dashboard/", name="/registry/dashboard/")

    @task(1)
    def import_patent(self):
        if not self.logged_in:
            return
        self.client.get("/admin/registry/import/", name="/admin/registry/import/")
        patent_serial[0] = (patent_serial[0] + 1) % 9_000_000
        number = make_patent_number(2026, "1", 1_000_000 + patent_serial[0])
        title = f"负载测试专利 {RUN}-{patent_serial[0]}"
        holder = random.choice(FIXTURE["holders"])
        csv = (
            "申请号,名称,申请日,申请（专利权）人,授权公告日,法律状态\n"
            f"{number},{title},2026-01-05,{holder},,\n"
        ).encode()
        response = self.post(
            "/admin/registry/import/",
            name="/admin/registry/import/ (POST)",
            data={"kind": "patents"},
            files={"file": ("专利.csv", csv, "text/csv")},
        )
        if response.status_code == 200 and "已导入" in response.text:
            record_write("patent", number=number, title=title)


# -- capacity probes (run alone, one after the other, on the same server) ---------------------
class Healthz(PlatformUser):
    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz")


# The capacity probes' queries (bench/load/queries.py): a long tail drawn by Zipf's law, and a
# pool of queries never sent for the worst case. LOAD_QUERY_SLICE (0 or 1) gives a run its own
# half of that pool, so the measured run does not repeat what its warm-up run sent.
PAGE_QUERIES = FIXTURE.get("page_queries") or {"realistic": FIXTURE["queries"], "worst_case": []}
ZIPF_CUMULATIVE = list(
    itertools.accumulate(
        1 / rank ** PAGE_QUERIES.get("zipf_exponent", 1.0)
        for rank in range(1, len(PAGE_QUERIES["realistic"]) + 1)
    )
)
NEW_QUERIES = iter(PAGE_QUERIES["worst_case"][int(os.environ.get("LOAD_QUERY_SLICE", "0")) :: 2])
# What the server said of each search page: X-Search-Cache hit, shared or miss.
search_cache: dict[str, int] = defaultdict(int)


class SearchProbe(PlatformUser):
    abstract = True
    wait_time = constant(0)

    def search(self, q: str) -> None:
        response = self.client.get(f"/search/?q={q}", name="/search/?q=")
        search_cache[response.headers.get("X-Search-Cache", "unknown")] += 1


class SearchPage(SearchProbe):
    """The realistic mix: the long tail's queries, popular ones often, most rarely."""

    @task
    def search_page(self):
        q = random.choices(PAGE_QUERIES["realistic"], cum_weights=ZIPF_CUMULATIVE)[0]
        self.search(q)


class SearchPageNew(SearchProbe):
    """The worst case: every query one the server has not been sent in this run."""

    @task
    def search_page(self):
        q = next(NEW_QUERIES, None)
        if q is None:  # pool spent: counted, so the report shows the run was not all new
            search_cache["pool spent"] += 1
            q = random.choice(PAGE_QUERIES["worst_case"])
        self.search(q)

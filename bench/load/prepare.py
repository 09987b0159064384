"""Load-test fixture: accounts for the simulated users and samples of the seeded data.

Run with the server's settings and DATABASE_URL after `seed_demo`:
    .venv/bin/python bench/load/prepare.py --out /tmp/fixture.json [--buyers 120]

Accounts are idempotent (`load-` usernames); every one shares one password hash, computed
once, so preparing hundreds of them takes seconds rather than a PBKDF2 round each.
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from bench.load.queries import probe_queries  # noqa: E402
from core.models import District, Organization  # noqa: E402
from core.roles import Role  # noqa: E402
from core.services import user_create_with_role  # noqa: E402
from ip_registry.models import Enterprise, Patent  # noqa: E402
from marketplace.selectors import listings_live  # noqa: E402

LOAD_PASSWORD = "panjin-load-2026"  # noqa: S105 - throwaway accounts of a scratch database
# Staff roles sign in with TOTP; the load's staff share this authenticator (scratch database).
LOAD_TOTP_SECRET = "JBSWY3DPEHPK3PXPLOADLOADLOADLOAD"  # noqa: S105
QUERIES = [
    "稠油",
    "降黏剂",
    "催化",
    "碳纤维",
    "海洋工程",
    "水稻",
    "河蟹",
    "钻井",
    "新材料",
    "环保",
    "VOCs",
    "氢能",
    "传感器",
    "污泥",
    "智能装备",
    "光伏",
]


def _account(username: str, role: Role, organization: Organization | None, password_hash: str):
    user = user_create_with_role(
        username=username,
        role=role,
        password=None,
        organization_uscc=organization.uscc if organization else None,
    )
    if user.password != password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    if (
        user.is_staff
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, LOAD_TOTP_SECRET)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--buyers", type=int, default=200, help="inquiring members (5/h each)")
    parser.add_argument("--applicants", type=int, default=30, help="contract applicants")
    parser.add_argument("--sample", type=int, default=300, help="pages of each kind to browse")
    args = parser.parse_args()

    rng = random.Random(7)
    organizations = list(Organization.objects.order_by("pk"))
    if len(organizations) < 4:
        sys.exit("prepare: seed the database first (manage.py seed_demo)")
    password_hash = make_password(LOAD_PASSWORD)
    with transaction.atomic():
        buyers = [
            _account(f"load-buyer{i}", Role.ENTERPRISE_MEMBER, organizations[i % 4], password_hash)
            for i in range(args.buyers)
        ]
        applicants = []
        for i in range(args.applicants):
            organization = organizations[4 + i % (len(organizations) - 4)]
            user = _account(
                f"load-applicant{i}", Role.ENTERPRISE_MEMBER, organization, password_hash
            )
            applicants.append(
                {"username": user.username, "org": organization.name, "uscc": organization.uscc}
            )
        registrars = [
            _account(f"load-registrar{i}", Role.REGISTRY_OFFICER, None, password_hash).username
            for i in range(2)
        ]
        ip_officers = [
            _account(f"load-ipofficer{i}", Role.IP_OFFICER, None, password_hash).username
            for i in range(2)
        ]

    listing_ids = list(listings_live().values_list("pk", flat=True))
    listings = [
        {"id": page.pk, "url": page.url}
        for page in listings_live().filter(
            pk__in=rng.sample(listing_ids, min(args.sample, len(listing_ids)))
        )
    ]
    # Buyers inquire about listings outside their own organisations (the first four).
    own = {o.pk for o in organizations[:4]}
    inquirable = [
        {"id": page.pk, "url": page.url}
        for page in listings_live().order_by("?")[: args.sample * 2]
        if page.organization_id not in own
    ][: args.sample]
    enterprise_ids = list(Enterprise.objects.values_list("pk", flat=True))
    enterprises = list(
        Enterprise.objects.filter(
            pk__in=rng.sample(enterprise_ids, min(args.sample, len(enterprise_ids)))
        ).values("uscc", "name")
    )
    patent_ids = list(Patent.objects.values_list("pk", flat=True))
    patents = list(
        Patent.objects.filter(
            pk__in=rng.sample(patent_ids, min(args.sample, len(patent_ids)))
        ).values_list("application_number", flat=True)
    )
    counterparties = [{"name": o.name, "uscc": o.uscc} for o in organizations[:4]]
    fixture = {
        "password": LOAD_PASSWORD,
        "totp_secret": LOAD_TOTP_SECRET,
        "queries": QUERIES,
        # The capacity probe's long tail (bench/load/queries.py).
        "page_queries": probe_queries(),
        "listings": listings,
        "inquirable": inquirable,
        "enterprises": [e["uscc"] for e in enterprises],
        "holders": [e["name"] for e in enterprises[:50]],
        "patents": patents,
        "buyers": [u.username for u in buyers],
        "applicants": applicants,
        "counterparties": counterparties,
        "registrars": registrars,
        "ip_officers": ip_officers,
        "district": District.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    Path(args.out).write_text(json.dumps(fixture, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"prepare: {len(buyers)} buyers, {len(applicants)} applicants, {len(listings)} listings, "
        f"{len(enterprises)} enterprises, {len(patents)} patents → {args.out}"
    )


if __name__ == "__main__":
    main()

"""Technology market benchmark: browsing filters and demand ↔ result matching against baselines.

Builds its own market in a scratch SQLite database (or the scratch database given with
--database-url), through the same service as `manage.py import_listings`, then reports median
timings and ratios measured in the same run:

- the filtered, sorted market list (industry + TRL range + mode, sorted by price; first page and
  count) against the plain newest-first first page;
- `matches_for_demand` (candidates pre-filtered in SQL) against scoring every live result in
  Python;
- a whole result page (patents, matches, related listings) against the plain list page.

Default 400 listings (`--listings`); `--listings 3000` is the full run. Results are printed and
written to bench/results/.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=400, help="listings to build (default 400)")
    parser.add_argument("--database-url", help="an explicit scratch database URL (emptied)")
    parser.add_argument("--repeat", type=int, default=7, help="timings to take the median of")
    return parser.parse_args()


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    args = parse_args()
    url = args.database_url or (
        f"sqlite:///{tempfile.mkdtemp(prefix='bench-market-')}/market.sqlite3"
    )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)

    from core.models import Industry
    from marketplace import services
    from marketplace.demo import TOPICS
    from marketplace.matching import match_score, matches_for_demand
    from marketplace.models import CooperationMode, TechnologyDemandPage, TechnologyResultPage
    from marketplace.selectors import ListingFilters, listings_browse, listings_live

    rng = random.Random(23)
    modes = [m.name for m in CooperationMode.objects.all()]
    industries = list(TOPICS)
    start = time.perf_counter()
    with services.mail_muted():
        for i in range(args.listings):
            industry = industries[i % len(industries)]
            subject, words = rng.choice(TOPICS[industry])
            kind = "demand" if i % 5 == 4 else "technology"
            services.listing_import_row(
                row={
                    "external_id": f"B-{i:06d}",
                    "kind": kind,
                    "title": f"{subject}{i}",
                    "summary": f"{subject}方案 {i}",
                    "body": f"{subject}。",
                    "industry": industry,
                    "trl": rng.randint(3, 9),
                    "modes": rng.sample(modes, k=2),
                    "price_wan": rng.choice([None, *range(10, 400, 10)]),
                    "owner_name": f"盘锦基准机构{i % 60}有限公司",
                    "district": "兴隆台区",
                    "keywords": [*words.split(), rng.choice(["节能", "智能", "环保", "低成本"])],
                    "patents": [],
                }
            )
    build_s = time.perf_counter() - start

    repeat = args.repeat
    chem = Industry.objects.get(name="精细化工")
    transfer = CooperationMode.objects.get(code="transfer")

    def plain_page():
        qs = listings_browse(filters=ListingFilters(kind="technology"))
        [p.specific for p in qs[:20]]
        qs.count()

    def filtered_page():
        qs = listings_browse(
            filters=ListingFilters(
                kind="technology",
                industry=chem,
                trl_min=5,
                trl_max=8,
                modes=[transfer],
                sort="price",
            )
        )
        [p.specific for p in qs[:20]]
        qs.count()

    demands = list(
        TechnologyDemandPage.objects.live()
        .select_related("industry")
        .prefetch_related("modes")[:20]
    )

    def matching():
        for demand in demands:
            matches_for_demand(demand=demand)

    def matching_naive():
        # What one demand page would do without the pre-filter: load every live result.
        for demand in demands:
            results = list(
                TechnologyResultPage.objects.filter(
                    pk__in=listings_live(kind="technology").values("pk")
                )
                .select_related("industry")
                .prefetch_related("modes")
            )
            scored = [m for m in (match_score(demand=demand, result=r) for r in results) if m]
            sorted(scored, key=lambda m: -m.score)[:5]

    client = Client(HTTP_HOST="127.0.0.1")
    result_url = TechnologyResultPage.objects.live().first().url

    def list_view():
        assert client.get("/market/results/").status_code == 200

    def detail_view():
        assert client.get(result_url).status_code == 200

    rows = [
        (
            "market list, first page + count",
            timed(plain_page, repeat),
            timed(filtered_page, repeat),
            "plain newest",
            "industry+TRL+mode, by price",
        ),
        (
            "matching, 20 demands",
            timed(matching_naive, repeat),
            timed(matching, repeat),
            "score all results in Python",
            "SQL pre-filter + score",
        ),
        (
            "page render",
            timed(list_view, repeat),
            timed(detail_view, repeat),
            "/market/results/",
            "result page with matches",
        ),
    ]
    vendor = connection.vendor
    lines = [
        f"Technology market benchmark — {args.listings} listings "
        f"({TechnologyResultPage.objects.count()} results, "
        f"{TechnologyDemandPage.objects.count()} demands), {vendor}, median of {repeat}",
        f"build through listing_import_row: {build_s:.1f} s "
        f"({args.listings / build_s:.0f} listings/s)",
        "",
        f"{'measure':34} {'baseline ms':>12} {'measured ms':>12} {'ratio':>7}  baseline → measured",
    ]
    for name, base, measured, base_label, label in rows:
        lines.append(
            f"{name:34} {base:12.1f} {measured:12.1f} {measured / base:7.2f}  "
            f"{base_label} → {label}"
        )
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results" / f"market-{vendor}-{args.listings}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

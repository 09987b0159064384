"""IP registry benchmark: patent-file import throughput and the coverage KPI against a loop.

Builds its own registry in a scratch database (SQLite file in a temporary folder by default,
or a scratch PostgreSQL database with --postgres), then reports:

- import throughput (rows/s) of the enterprise, designation and patent files, through the same
  engine as `manage.py import_patents`;
- the coverage KPI (`coverage_for_year`, SQL aggregate) against a straightforward
  per-enterprise Python loop over the same data in the same run, as a ratio.

Full scale is 100,000 enterprises and 1,000,000 patents (`--scale 1`); the default, 0.05, keeps
`make bench` short. Results are printed and written to bench/results/.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL_ENTERPRISES = 100_000
FULL_PATENTS = 1_000_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=0.05,
        help="fraction of the full scale (1 = 100,000 enterprises, 1,000,000 patents); "
        "default 0.05",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use a scratch PostgreSQL database on the server of DATABASE_URL "
        "(its name + '_bench_registry'; dropped and recreated)",
    )
    parser.add_argument("--database-url", help="an explicit scratch database URL (emptied)")
    parser.add_argument("--repeat", type=int, default=3, help="KPI timings to take the median of")
    return parser.parse_args()


def scratch_database(args) -> tuple[str, str]:
    if args.database_url:
        return args.database_url, "given"
    if args.postgres:
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            sys.exit("--postgres needs DATABASE_URL=postgres://… (the server to use)")
        import psycopg

        server, _, name = base.rpartition("/")
        scratch = f"{name.split('?')[0]}_bench_registry"
        with psycopg.connect(f"{server}/{name}", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            conn.execute(f'CREATE DATABASE "{scratch}"')
        return f"{server}/{scratch}", "scratch"
    folder = tempfile.mkdtemp(prefix="bench-registry-")
    return f"sqlite:///{folder}/registry.sqlite3", "scratch"


def make_files(n_enterprises: int, n_patents: int, rng: random.Random):
    from core.identifiers import make_patent_number, make_uscc
    from core.models import District, Industry

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    districts = list(District.objects.values_list("name", flat=True))
    industries = list(Industry.objects.values_list("name", flat=True))
    enterprises = []
    for i in range(n_enterprises):
        body = "MD" + "".join(alphabet[(i // 31**k) % 31] for k in range(6))
        enterprises.append((make_uscc("91211100", body), f"盘锦测试{i}号科技有限公司"))
    ent_csv = ["统一社会信用代码,企业名称,所属区县,行业"]
    ent_csv += [f"{u},{n},{rng.choice(districts)},{rng.choice(industries)}" for u, n in enterprises]
    designated = rng.sample(range(n_enterprises), k=max(1, n_enterprises * 3 // 10))
    des_csv = ["统一社会信用代码,年度,认定类型"]
    des_csv += [f"{enterprises[i][0]},2019,规上科技型企业" for i in designated]
    pat_csv = [
        "申请号,名称,申请日,申请（专利权）人,权利人统一社会信用代码,授权公告日,法律状态,"
        "法律状态日,IPC分类号"
    ]
    statuses = ["", "", "", "未缴年费终止", "放弃", "驳回"]
    # As in reality, patents concentrate in fewer than half of the enterprises.
    active = rng.sample(range(n_enterprises), k=max(2, n_enterprises * 45 // 100))
    for i in range(n_patents):
        type_digit = rng.choice("1122223")
        filing = date(2005, 1, 1) + timedelta(days=rng.randrange(5000))
        number = make_patent_number(filing.year, type_digit, i)
        owners = rng.sample(active, k=1 if rng.random() < 0.9 else 2)
        names = ";".join(enterprises[o][1] for o in owners)
        # Half the rows name holders only (matched by normalised name), half give USCCs.
        usccs = ";".join(enterprises[o][0] for o in owners) if i % 2 else ""
        status = rng.choice(statuses)
        grant = filing + timedelta(days=rng.randint(200, 1000)) if status != "驳回" else None
        if grant and grant > date(2025, 12, 31):
            grant = None
        status_date = ""
        if status:
            status_date = (filing + timedelta(days=rng.randint(1100, 3000))).isoformat()
            if status_date > "2025-12-31":
                status, status_date = "", ""
        pat_csv.append(
            f"{number},一种装置{i},{filing.isoformat()},{names},{usccs},"
            f"{grant.isoformat() if grant else ''},{status},{status_date},C09K 8/58"
        )
    return (
        "\n".join(ent_csv).encode(),
        "\n".join(des_csv).encode(),
        "\n".join(pat_csv).encode(),
    )


def loop_coverage(year: int, as_of: date) -> tuple[int, int]:
    """The straightforward way: for each designated enterprise, look at its patents in Python."""
    from ip_registry.models import IN_FORCE_STATUSES, Designation, LegalStatusEvent

    designated = holding = 0
    for designation in Designation.objects.filter(
        year=year, designation_type__is_coverage_base=True
    ).select_related("enterprise"):
        designated += 1
        for held in designation.enterprise.holdings.select_related("patent"):
            if held.start_date > as_of or (held.end_date and held.end_date <= as_of):
                continue
            patent = held.patent
            if patent.expiry_date and patent.expiry_date <= as_of:
                continue
            last = (
                LegalStatusEvent.objects.filter(patent=patent, date__lte=as_of)
                .order_by("-date", "-id")
                .first()
            )
            if last and last.status in IN_FORCE_STATUSES:
                holding += 1
                break
    return designated, holding


def main():
    args = parse_args()
    original_url = os.environ.get("DATABASE_URL", "")
    url, _ = scratch_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    import logging

    from django.conf import settings

    # Production does not log every SQL statement; the dev settings' DEBUG would.
    settings.DEBUG = False

    logging.disable(logging.INFO)
    from django.core.management import call_command
    from django.db import connection

    from ip_registry.imports import registry_import
    from ip_registry.selectors import coverage_for_year

    call_command("migrate", verbosity=0)
    n_ent = max(100, round(FULL_ENTERPRISES * args.scale))
    n_pat = max(1000, round(FULL_PATENTS * args.scale))
    rng = random.Random(2019)
    print(f"registry bench: {n_ent:,} enterprises, {n_pat:,} patents on {connection.vendor}")
    started = time.perf_counter()
    ent_file, des_file, pat_file = make_files(n_ent, n_pat, rng)
    print(f"  generated files in {time.perf_counter() - started:.1f}s")
    imports, cpu = {}, {}
    for kind, data in (
        ("enterprises", ent_file),
        ("designations", des_file),
        ("patents", pat_file),
    ):
        cpu_started = time.process_time()
        report = registry_import(kind=kind, data=data, filename=f"{kind}.csv")
        cpu[kind] = time.process_time() - cpu_started
        assert report.committed and not report.errors, report.errors[:5]
        imports[kind] = report
        print(f"  import {kind}: {report.total:,} rows in {report.seconds:.1f}s")
    again = registry_import(kind="patents", data=pat_file, filename="patents.csv")
    assert again.unchanged == again.total, again.summary()
    print(f"  re-import patents (all unchanged): {again.seconds:.1f}s")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    year, as_of = 2019, date(2019, 12, 31)
    kpi_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = coverage_for_year(year=year, as_of=as_of)
        kpi_times.append(time.perf_counter() - t0)
    kpi = statistics.median(kpi_times)
    t0 = time.perf_counter()
    designated, holding = loop_coverage(year, as_of)
    loop = time.perf_counter() - t0
    assert (designated, holding) == (result.designated, result.holding), (
        designated,
        holding,
        result,
    )
    t0 = time.perf_counter()
    coverage_for_year(year=year, as_of=as_of, group_by="district")
    grouped = time.perf_counter() - t0

    patents = imports["patents"]
    rows = [
        ("database", connection.vendor),
        ("scale", f"{args.scale:g} ({n_ent:,} enterprises, {n_pat:,} patents)"),
        (
            "designated / holding (2019)",
            f"{result.designated:,} / {result.holding:,} = {result.rate}%",
        ),
        ("import patents", f"{patents.rows_per_second:,.0f} rows/s ({patents.seconds:.1f}s)"),
        (
            "import patents per CPU-second of the importer",
            f"{patents.total / cpu['patents']:,.0f} rows/s (machine load {os.getloadavg()[0]:.1f}"
            f" on {os.cpu_count()} CPUs)",
        ),
        ("import enterprises", f"{imports['enterprises'].rows_per_second:,.0f} rows/s"),
        ("re-import patents (idempotent)", f"{again.rows_per_second:,.0f} rows/s"),
        ("coverage KPI (SQL aggregate, median)", f"{kpi * 1000:,.0f} ms"),
        ("coverage KPI grouped by district", f"{grouped * 1000:,.0f} ms"),
        ("per-enterprise Python loop (baseline)", f"{loop * 1000:,.0f} ms"),
        ("KPI speed-up vs loop", f"{loop / kpi:,.1f}x"),
    ]
    width = max(len(k) for k, _ in rows)
    table = "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)
    print(table)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    name = f"registry-{connection.vendor}-{args.scale:g}.txt"
    (results / name).write_text(table + "\n", encoding="utf-8")
    print(f"  written to bench/results/{name}")
    connection.close()
    if args.postgres and not args.database_url:
        import psycopg

        scratch = url.rpartition("/")[2]
        with psycopg.connect(original_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


if __name__ == "__main__":
    main()

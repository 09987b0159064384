"""How often the search page's two cache levels miss on the capacity probe's realistic mix.

A model, not a measurement: the probe's traffic (bench/load/queries.py: DISTINCT_QUERIES
queries by Zipf's law, a warm-up then a measured run, requests spread over the workers) fed
through each worker's LRU (search/pagecache.py MAX_ENTRIES) and the shared folder, which a
cull takes down to two thirds of its MAX_ENTRIES, oldest written first (core/cache.py). The
floor is the first sight of each query (no cache can serve it). It sized
CACHES["search_pages"]["OPTIONS"]["MAX_ENTRIES"] (bench/README.md):

    .venv/bin/python bench/sim_page_cache.py --rate 250 --shared 600 2400
"""

import argparse
import itertools
import random
from collections import OrderedDict

DISTINCT_QUERIES = 2000  # bench/load/queries.py
ZIPF_EXPONENT = 1.0


def miss_rate(
    *,
    rate: float,
    warmup: float,
    seconds: float,
    workers: int,
    per_process: int,
    shared: int,
    seed: int,
) -> tuple[float, float]:
    """(floor, modelled) share of the measured requests that compute the page."""
    rng = random.Random(seed)
    weights = list(
        itertools.accumulate(1 / k**ZIPF_EXPONENT for k in range(1, DISTINCT_QUERIES + 1))
    )
    total, warm = int(rate * (warmup + seconds)), int(rate * warmup)
    queries = rng.choices(range(DISTINCT_QUERIES), cum_weights=weights, k=total)
    seen: set[int] = set()
    local: list[OrderedDict[int, None]] = [OrderedDict() for _ in range(workers)]
    folder: OrderedDict[int, None] = OrderedDict()
    first = computed = 0
    for n, q in enumerate(queries):
        measured = n >= warm
        if q not in seen:
            seen.add(q)
            first += measured
        lru = local[rng.randrange(workers)]
        if q in lru:
            lru.move_to_end(q)
            continue
        if q not in folder:
            computed += measured
            folder[q] = None
            if len(folder) >= shared:
                while len(folder) > shared - shared // 3:
                    folder.popitem(last=False)
        lru[q] = None
        while len(lru) > per_process:
            lru.popitem(last=False)
    measured_requests = total - warm
    return first / measured_requests, computed / measured_requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, nargs="+", default=[200, 250, 300])
    parser.add_argument("--shared", type=int, nargs="+", default=[600, 2400])
    parser.add_argument("--per-process", type=int, default=512)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print("| search pages/s | shared MAX_ENTRIES | first sights (floor) | computed (model) |")
    print("| ---: | ---: | ---: | ---: |")
    for rate, shared in itertools.product(args.rate, args.shared):
        runs = [
            miss_rate(
                rate=rate,
                warmup=10,
                seconds=15,
                workers=args.workers,
                per_process=args.per_process,
                shared=shared,
                seed=seed,
            )
            for seed in range(args.seeds)
        ]
        floor = sum(r[0] for r in runs) / len(runs)
        modelled = sum(r[1] for r in runs) / len(runs)
        print(f"| {rate:.0f} | {shared:,} | {floor:.1%} | {modelled:.1%} |")


if __name__ == "__main__":
    main()

"""The verdict a fault script prints for bench/prove.py: passed only when every named check held."""


def checks_verdict(name: str, checks: dict[str, bool], summary: str, **extra: object) -> dict:
    """`summary` then "all checks held" or "FAILED: " and the checks that did not hold."""
    failed = [check for check, held in checks.items() if not held]
    verdict = "all checks held" if not failed else "FAILED: " + ", ".join(failed)
    return {
        "name": name,
        "passed": not failed,
        "detail": summary + verdict,
        "checks": checks,
        **extra,
    }

"""The fault scripts' shared verdict: it fails when any named check did not hold."""

from bench.load.verdict import checks_verdict


def test_every_check_held():
    result = checks_verdict("front", {"a": True, "b": True}, "2 probes; ", figures={"n": 2})
    assert result == {
        "name": "front",
        "passed": True,
        "detail": "2 probes; all checks held",
        "checks": {"a": True, "b": True},
        "figures": {"n": 2},
    }


def test_a_failed_check_fails_and_is_named():
    result = checks_verdict("upload", {"a": True, "b": False, "c": False}, "", writes_lost=0)
    assert result["passed"] is False
    assert result["detail"] == "FAILED: b, c"
    assert result["writes_lost"] == 0

from elastic_transport import TransportError
from elasticsearch import ApiError

from search.client import elasticsearch_enabled, get_client


def search_backend_status() -> dict:
    """Which backend serves search, and whether it answers right now."""
    if not elasticsearch_enabled():
        return {"backend": "database", "ok": True}
    try:
        health = get_client().cluster.health(timeout="2s")
    except (TransportError, ApiError) as exc:
        return {"backend": "elasticsearch", "ok": False, "error": type(exc).__name__}
    return {
        "backend": "elasticsearch",
        "ok": health["status"] in ("green", "yellow"),
        "cluster_status": health["status"],
    }

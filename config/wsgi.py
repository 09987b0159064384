import logging
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, connections
from django.template import Engine
from django.template.loader import render_to_string
from django.urls import reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# After the app registry is ready: these import models.
from search.analysis import warm_up as search_warm_up  # noqa: E402
from search.client import ES_ERRORS  # noqa: E402
from search.selectors import search_params, search_site  # noqa: E402


def warm_up() -> None:
    """Do at worker start (or once in gunicorn's master with --preload, shared by the workers)
    what the first request would otherwise pay for: the search analyser's dictionaries, every
    app's URLs and the API schema, the search page's templates, one search through the backend.
    The database connections it opens are closed before returning, so a fork after it shares
    none. bench/bench_first_query.py measures the effect."""
    search_warm_up()
    reverse("search:index")  # imports the URLconf, builds the API routers, fills the reverse map
    Engine.get_default().template_context_processors  # noqa: B018 - imports them
    # Rendering (not only loading) compiles the included templates too; without a request no
    # context processor runs, so nothing here reads the database.
    render_to_string("search/index.html", {"result": None, "params": None})
    render_to_string("search/results.html", {"result": None, "params": None})
    try:
        search_site(params=search_params(q="技术"))  # the page's searches, blocks included
    except (DatabaseError, *ES_ERRORS):  # not migrated yet, or the index is down: serve anyway
        logging.getLogger(__name__).warning("search warm-up query failed", exc_info=True)
    finally:
        connections.close_all()


warm_up()

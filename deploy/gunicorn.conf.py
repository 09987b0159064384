"""gunicorn's settings for the web service (deploy/systemd/panjin-web.service; `make prove`).

Sync workers behind nginx: nginx buffers request bodies and responses, so a slow client never
holds a worker, and gunicorn listens on loopback only (nginx adds X-Forwarded-Proto and
X-Forwarded-For, which the app trusts because nothing else can reach this port).
Environment: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_ACCESS_LOG (unset: no access log).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
# A request may take this long before gunicorn kills its worker; nginx's proxy_read_timeout
# (deploy/nginx/panjin.conf.template) waits a little longer, so the app's limit is the one hit.
timeout = 60
graceful_timeout = 5
# Only requests from the local proxy reach gunicorn; it may set the scheme header.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = "%(s)s %(m)s %(U)s"
errorlog = "-"
# No control socket: systemd (reload = HUP) manages the server, and gunicorn's default socket
# path under the user's home would be shared by every gunicorn that user runs.
control_socket_disable = True

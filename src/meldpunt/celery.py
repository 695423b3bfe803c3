"""The Celery application: background jobs on a queue (docs/adr/0028).

With MELDPUNT_CELERY_BROKER_URL (or MELDPUNT_REDIS_URL) set, tasks go to Redis and a separate
worker (`celery -A meldpunt worker`) runs them; Celery beat (`celery -A meldpunt beat`) is the
production schedule. Without a broker — the embedded default of `make demo` — every task runs in
the calling process at once (``task_always_eager``), so nothing extra has to run.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings.base")

app = Celery("meldpunt")
# Every setting named CELERY_* in the Django settings configures the app (CELERY_BROKER_URL …).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every worker records its heartbeat at start and every half minute (meldpunt.jobs.heartbeat).
from meldpunt.jobs.heartbeat import Heartbeat  # noqa: E402

app.steps["worker"].add(Heartbeat)

"""The Celery application. Tasks live in each app's ``tasks.py`` (the search's in its package)."""

from __future__ import annotations

import os

from celery import Celery

from callcenter.startup import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
# The worker and beat read the settings lazily; a misconfigured environment must stop them at
# start with one line, as it stops manage.py and the ASGI server (this module is imported by
# the ``callcenter`` package, so every entry point passes here).
load_settings_or_exit()

app = Celery("callcenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["knowledge.search"])

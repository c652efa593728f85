"""The Celery application. Tasks live in each app's ``tasks.py`` (the search's in its package)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")

app = Celery("callcenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["knowledge.search"])

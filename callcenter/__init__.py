"""Django project of the 115 contact centre: settings, wiring, the ``run`` entry point."""

from callcenter.celery import app as celery_app

__all__ = ["celery_app"]

"""Fail fast, in one line, when the environment cannot configure the system."""

from __future__ import annotations

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured


def load_settings_or_exit() -> None:
    """Import the settings module; print a one-line error and exit 2 when it is misconfigured."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    try:
        importlib.import_module(module)
    except ImproperlyConfigured as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

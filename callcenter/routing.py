"""Websocket routes of all apps, collected in one place."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []

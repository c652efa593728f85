"""Websocket routes of all apps, collected in one place."""

from __future__ import annotations

from typing import Any

from django.urls import path

from callcenter.consumers import LiveConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/live/", LiveConsumer.as_asgi()),
]

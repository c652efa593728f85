"""ASGI entry point: HTTP through Django, websockets through Channels, and a lifespan hook.

The lifespan hook starts the AMI adapter inside this process when
``CALLCENTER_AMI_IN_PROCESS`` is set (the embedded mode of ``make run``): without Redis, only
the process that holds the websockets can deliver a screen pop to them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any

from django.core.asgi import get_asgi_application

from callcenter.startup import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
# One line instead of a traceback when uvicorn imports this with a misconfigured environment.
load_settings_or_exit()

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Any
Send = Any


def _build_router() -> Any:
    # Django must be set up before Channels' auth stack and the consumers are imported.
    http_app = get_asgi_application()

    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    from callcenter.routing import websocket_urlpatterns

    return ProtocolTypeRouter(
        {
            "http": http_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )


class Application:
    def __init__(self) -> None:
        self.router = _build_router()
        self._adapter: Any = None
        self._adapter_thread: threading.Thread | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        await self.router(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                from callcenter.realtime import bind_server_loop
                from tickets.calendars import calendars_warm

                bind_server_loop(asyncio.get_running_loop())
                # Before serving: the first deadline computed would otherwise load the
                # holiday calendar inside someone's escalation.
                await asyncio.to_thread(calendars_warm)
                self._start_adapter()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self._stop_adapter()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _start_adapter(self) -> None:
        from django.conf import settings

        if not settings.CALLCENTER_AMI_IN_PROCESS:
            return
        from telephony.runtime import AdapterRuntime

        adapter = AdapterRuntime()
        self._adapter = adapter

        def run() -> None:
            try:
                adapter.run()
            except Exception:
                logger.exception("the in-process AMI adapter stopped")

        self._adapter_thread = threading.Thread(target=run, name="ami-adapter", daemon=True)
        self._adapter_thread.start()
        logger.info("AMI adapter runs in the web process (embedded mode)")

    def _stop_adapter(self) -> None:
        if self._adapter is not None:
            self._adapter.stop()
        if self._adapter_thread is not None:
            self._adapter_thread.join(timeout=10)


application = Application()

"""The web worker's lifespan: what it prepares before it serves its first request."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from callcenter.asgi import Application
from tickets.business_hours import public_holidays


async def test_a_web_worker_loads_the_holiday_calendar_before_it_serves(
    settings: Any,
) -> None:
    """The first deadline of a process loads the holiday package's calendar (most of a second):
    not inside the first escalation's request, whose department inbox waits for it."""
    settings.CALLCENTER_AMI_IN_PROCESS = False
    public_holidays.cache_clear()
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[str] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    await Application()({"type": "lifespan"}, receive, send)

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    year = timezone.localdate().year
    region = settings.CALLCENTER_HOLIDAY_REGION
    before = public_holidays.cache_info()
    public_holidays(region, year)
    public_holidays(region, year + 1)
    assert public_holidays.cache_info().hits == before.hits + 2

"""System checks for the ticket settings: a typo here would silently shift every deadline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from tickets.business_hours import german_holiday_regions


def holiday_region(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    region = settings.CALLCENTER_HOLIDAY_REGION
    if region in german_holiday_regions():
        return []
    return [
        Error(
            f"CALLCENTER_HOLIDAY_REGION={region!r} is not a German state code.",
            hint=f"Use one of: {', '.join(sorted(german_holiday_regions()))}.",
            id="tickets.E001",
        )
    ]

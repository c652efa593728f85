"""The suite's fixed point in time (see the ``frozen`` fixture in ``tests/conftest.py``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
# A working Monday, 10:00 in Berlin: within every department's business hours.
MONDAY_10 = dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)

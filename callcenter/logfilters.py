"""Logging filters of the settings' ``LOGGING``.

A refused request (403, 404, 400…) is the client's mistake or an attempt, not a fault of ours:
Django logs it with the exception's traceback (``log_response(exception=…)``), which buries
real errors. ``ClientErrorOneLine`` keeps such a record to its one line; 5xx keep theirs.
"""

from __future__ import annotations

import logging


class ClientErrorOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True

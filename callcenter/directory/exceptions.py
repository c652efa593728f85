"""The directory's errors (``callcenter.errors`` subclasses, each with its own code)."""

from __future__ import annotations

from callcenter.errors import Conflict, InvalidInput, NotFound, StaleWrite


class CalendarInvalid(InvalidInput):
    code = "calendar_invalid"


class CalendarNameTaken(Conflict):
    code = "calendar_name_taken"


class ClosureDayInvalid(InvalidInput):
    code = "closure_day_invalid"


class ClosureDayNotFound(NotFound):
    code = "closure_day_not_found"


class MembershipNotFound(NotFound):
    code = "membership_not_found"


class StaleDepartment(StaleWrite):
    """The department was changed by someone else since the form was read."""

    code = "stale_department"

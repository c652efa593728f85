from knowledge.models.organisation import (
    Authority,
    BusinessCalendar,
    ClosureDay,
    Department,
    DepartmentMembership,
    OpeningHours,
)

__all__ = [
    "Authority",
    "BusinessCalendar",
    "ClosureDay",
    "Department",
    "DepartmentMembership",
    "OpeningHours",
]

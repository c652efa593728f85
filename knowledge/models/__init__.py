from knowledge.models.location import Location
from knowledge.models.organisation import (
    Authority,
    BusinessCalendar,
    ClosureDay,
    Department,
    DepartmentMembership,
    OpeningHours,
)
from knowledge.models.search_tuning import SearchGap, SearchSynonym, SearchUse
from knowledge.models.service import LinkSource, Service, ServiceLocation, ServiceResponsibility
from knowledge.models.topic import Topic
from knowledge.models.versioning import KnowledgeEvent, ServiceVersion

__all__ = [
    "Authority",
    "BusinessCalendar",
    "ClosureDay",
    "Department",
    "DepartmentMembership",
    "KnowledgeEvent",
    "LinkSource",
    "Location",
    "OpeningHours",
    "SearchGap",
    "SearchSynonym",
    "SearchUse",
    "Service",
    "ServiceLocation",
    "ServiceResponsibility",
    "ServiceVersion",
    "Topic",
]

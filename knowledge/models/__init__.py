from knowledge.models.search_tuning import SearchGap, SearchSynonym, SearchUse
from knowledge.models.service import LinkSource, Service, ServiceLocation, ServiceResponsibility
from knowledge.models.topic import Topic
from knowledge.models.versioning import KnowledgeEvent, ServiceVersion

__all__ = [
    "KnowledgeEvent",
    "LinkSource",
    "SearchGap",
    "SearchSynonym",
    "SearchUse",
    "Service",
    "ServiceLocation",
    "ServiceResponsibility",
    "ServiceVersion",
    "Topic",
]

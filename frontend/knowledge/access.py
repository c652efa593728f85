"""Who may open which knowledge page; the domain services check every write again."""

from __future__ import annotations

from django.http import Http404

from knowledge import selectors
from knowledge.exceptions import ServiceNotFound, VersionNotFound
from knowledge.models import Service, ServiceVersion


def working_service(pk: int) -> Service:
    try:
        return selectors.service_get(pk)
    except ServiceNotFound:
        raise Http404 from None


def published_service(pk: int) -> Service:
    try:
        return selectors.service_get_published(pk)
    except ServiceNotFound:
        raise Http404 from None


def version_of(service: Service, number: int) -> ServiceVersion:
    try:
        return selectors.service_version_get(service, number)
    except VersionNotFound:
        raise Http404 from None

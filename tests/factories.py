"""factory_boy factories and the documented personas of the test suite.

Personas: ``agent`` (call agent), ``clerk`` (department clerk of one department), ``lead``
(department lead), ``editor`` (knowledge editor), ``reviewer`` (a second knowledge editor, for
the four-eyes side), ``supervisor``, ``outsider`` (a clerk of
another department, for the "cannot see" side of every permission test).
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import roles_sync
from callcenter.directory.models import Authority, Department, DepartmentMembership

# Every factory-made user's password (the browser tests log in with it).
PASSWORD = "pw-Test-115!"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(user: User, create: bool, extracted: list[Role] | None, **kwargs: Any) -> None:
        # factory_boy calls post-generation hooks with the created user, not the factory.
        if create and extracted:
            groups = roles_sync()
            user.groups.set([groups[role] for role in extracted])


class AuthorityFactory(DjangoModelFactory[Authority]):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"Bezirksamt {n}")


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Amt {n}")
    office_type = "buergeramt"
    email = factory.Sequence(lambda n: f"amt{n}@example.invalid")


class MembershipFactory(DjangoModelFactory[DepartmentMembership]):
    class Meta:
        model = DepartmentMembership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


# --- Knowledge base -----------------------------------------------------------------------------

from callcenter.directory.models import Location  # noqa: E402
from knowledge.models import Service, ServiceResponsibility, Topic  # noqa: E402


class TopicFactory(DjangoModelFactory[Topic]):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Thema {n}")
    path = factory.Sequence(lambda n: f"thema-{n}")


class LocationFactory(DjangoModelFactory[Location]):
    class Meta:
        model = Location

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Bürgeramt {n}")
    office_type = "buergeramt"
    city = "Berlin"


class ServiceFactory(DjangoModelFactory[Service]):
    """A working draft; use ``published_service`` (tests/knowledge/conftest.py) for agents' view."""

    class Meta:
        model = Service

    title = factory.Sequence(lambda n: f"Leistung {n}")
    short_text = "Kurzbeschreibung."


class ResponsibilityFactory(DjangoModelFactory[ServiceResponsibility]):
    class Meta:
        model = ServiceResponsibility

    service = factory.SubFactory(ServiceFactory)
    department = factory.SubFactory(DepartmentFactory)


# --- Tickets --------------------------------------------------------------------------------

from tickets.models import Ticket, VerbundParticipant  # noqa: E402


class TicketFactory(DjangoModelFactory[Ticket]):
    """A bare ticket row; tests that need a real workflow state go through tickets.services."""

    class Meta:
        model = Ticket

    # Year 2000 keeps factory numbers apart from the ones the counter hands out.
    number = factory.Sequence(lambda n: f"115-2000-{n:06d}")
    subject = factory.Sequence(lambda n: f"Anliegen {n}")


class VerbundParticipantFactory(DjangoModelFactory[VerbundParticipant]):
    class Meta:
        model = VerbundParticipant

    name = factory.Sequence(lambda n: f"115-Servicecenter {n}")
    email = factory.Sequence(lambda n: f"servicecenter{n}@example.invalid")

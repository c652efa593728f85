"""Schemathesis over every operation of the live API's schema, once per role (issue 16, point 9).

The server is the real ASGI stack (uvicorn, every middleware, the DRF exception handler) in a
thread; the schema is read from its ``/api/schema/`` so endpoints added later are covered
without touching this test. Every built-in check of Schemathesis runs (the CLI's ``--checks
all``: server errors, undocumented statuses and content types, response bodies and headers
against the schema, schema-violating requests accepted, ignored authentication, …), with
``positive_data_acceptance`` widened by 400 (see ``SCHEMA_VALID_STATUSES``).

The budget is bounded and reproducible: a few positive and a few negative examples per
operation, derandomized (the same requests on every run, so a failure reproduces with the same
command), no shrinking (a failure is reported as generated).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import positive_data_acceptance

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from tests.factories import UserFactory
from tests.support.asgi import asgi_server_running
from tests.support.knowledge import article_of
from tests.support.tickets import escalate_as_agent

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

# Examples per operation and generation mode (positive: valid by the schema, negative: not):
# some 400 requests per role, 15-50 s each on a loaded 2-core machine (SQLite or PostgreSQL).
EXAMPLES = 4


# What a request valid by the schema may be answered with. Schemathesis' own
# ``positive_data_acceptance`` leaves out 400, but a schema cannot express every rule an input
# must follow: the dial policy, wrong credentials, an end date before the start, a blank value
# after trimming, a NUL character, an empty upload. Those are 400s with the field named. What
# such a request must never get is a refusal of its form (405, 406, 415, 422) or a 5xx.
SCHEMA_VALID_STATUSES = {400, 401, 403, 404, 409, 429}


def schema_valid_requests_reach_the_api(ctx: Any, response: Any, case: Any) -> bool | None:
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status in SCHEMA_VALID_STATUSES:
        return None
    raise AssertionError(f"a schema-valid request was answered {status}: {response.text[:300]}")


@pytest.fixture
def server_url(transactional_db: None) -> Iterator[str]:
    with asgi_server_running() as url:
        yield url


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(username="administrator", roles=[Role.ADMINISTRATOR])


def _session(user: User | None) -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and headers of a session (signed in unless anonymous) that passes the CSRF
    check on writes, so the requests reach the views instead of stopping at the CSRF 403."""
    csrf = secrets.token_hex(16)
    cookies = {"csrftoken": csrf}
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies["sessionid"] = client.cookies["sessionid"].value
    return cookies, {"X-CSRFToken": csrf}


@pytest.fixture
def content(agent: User, clerk: User, department: Department, editor: User) -> None:
    """Some objects behind the small ids the generator tries first."""
    escalate_as_agent(agent, department)
    article_of(department)


# The personas of tests/conftest.py, an administrator, and nobody signed in (the open
# endpoints: token exchange, CTI webhooks; and every refusal of the others).
ROLES = ["agent", "clerk", "supervisor", "editor", "administrator", "anonymous"]


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_and_no_schema_violation(
    request: pytest.FixtureRequest, role: str, server_url: str, content: None
) -> None:
    user: User | None = None if role == "anonymous" else request.getfixturevalue(role)
    cookies, headers = _session(user)
    schema = schemathesis.openapi.from_url(
        f"{server_url}/api/schema/?format=json", cookies=cookies, headers=headers
    )
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the schema itself is broken
        operations.append(result.ok())
    assert len(operations) > 40
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=2 * EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(
                base_url=server_url,
                cookies=cookies,
                headers=headers,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[schema_valid_requests_reach_the_api],
            )

        try:
            run()
        except (Exception, FailureGroup) as error:  # every operation's failures are reported
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)

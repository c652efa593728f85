"""Schemathesis over every operation of the live API's schema, once per role (issue 16, point 9).

The server is the real ASGI stack (uvicorn, every middleware, the DRF exception handler) in a
thread; the schema is read from its ``/api/schema/`` so endpoints added later are covered
without touching this test. Every built-in check of Schemathesis runs (the CLI's ``--checks
all``); the run passes only with no server error and no response that breaks the schema.

The budget is bounded and reproducible: a few positive and a few negative examples per
operation, derandomized (the same requests on every run), no shrinking (a failure is reported as
generated; rerun with the seed to reproduce it).
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
# about 600 requests per role, some 20 s each on a 2-core machine.
EXAMPLES = 6


def schema_valid_values_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' ``positive_data_acceptance``, narrowed to what a schema can promise.

    A request valid by the schema may still break a rule of the domain (a number the dial
    policy refuses, wrong credentials, a ticket without a caller's number): those answer 400
    with their own ``code``. An id the schema allows may name no object. What the schema does
    promise is that any other value it allows passes the input validation: a generic
    ``invalid`` naming such an input field means the documented input and the serializer
    disagree.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 400:
        return None
    body = response.json()
    sent = case.body if isinstance(case.body, dict) else {}
    fields = {
        name
        for name in body.get("extra", {}).get("fields", {})
        if name != "non_field_errors" and not _is_id(sent.get(name.split(".")[0]))
    }
    if body.get("code") == "invalid" and fields:
        raise AssertionError(f"schema-valid input refused as invalid: {sorted(fields)}: {body}")
    return None


def _is_id(value: object) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_is_id(item) for item in value)
    return isinstance(value, int) and not isinstance(value, bool)


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
                additional_checks=[schema_valid_values_accepted],
            )

        try:
            run()
        except (Exception, FailureGroup) as error:  # every operation's failures are reported
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)

"""The audit log page meets WCAG 2.1 A/AA (axe-core in Chromium), with entries and with a
filter error."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.audit.models import AuditAction
from callcenter.audit.services import audit_record
from tests.e2e.test_accessibility import assert_accessible
from tests.factories import UserFactory
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core is injected as an inline script; the audit is about WCAG, not about the CSP.
BYPASS_CSP = True


def test_the_audit_log_page_meets_wcag_21_aa(asgi_server: str, page: Any, clerk: User) -> None:
    UserFactory.create(username="admin", roles=[Role.ADMINISTRATOR])
    for n in range(3):
        audit_record(
            action=AuditAction.TICKET_READ,
            actor=clerk,
            ip="192.0.2.5",
            target_type="tickets.ticket",
            target_id=n,
            data={"ids": [str(n)]},
        )
    log_in(page, asgi_server, "admin")
    page.goto(f"{asgi_server}/protokoll/")
    page.get_by_role("table").wait_for()
    assert_accessible(page, "the audit log")
    page.goto(f"{asgi_server}/protokoll/?since=2026-12-07&until=2026-12-01")
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page, "the audit log with a filter error")

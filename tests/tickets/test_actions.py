"""Each ticket action's service call is written once, for the REST views and the inbox."""

from __future__ import annotations

from frontend.inbox.views import ACTIONS as INBOX_ACTIONS
from tickets.actions import ACTION_RUNS
from tickets.api.urls import ACTIONS as API_ACTIONS


def test_every_action_endpoint_and_inbox_form_has_its_service_call() -> None:
    api = {view.ticket_action for view in API_ACTIONS.values()}
    inbox = {spec.action for spec in INBOX_ACTIONS.values()}
    assert api | inbox <= set(ACTION_RUNS)

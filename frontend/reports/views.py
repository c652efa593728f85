"""The supervisors' pages: the live wallboard (``/wallboard/``) and the reports
(``/berichte/``). Figures come from ``telephony.kpis``; these views only shape them for
reading."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from frontend.reports.display import (
    duration,
    epoch_ms,
    figure_rows,
    my_day_rows,
    value,
    verdict,
)
from telephony.kpis.definitions import Unit
from telephony.kpis.periods import today
from telephony.kpis.selectors import my_day, report_scope
from telephony.kpis.services import report_read_record
from telephony.kpis.wallboard import wallboard_snapshot
from telephony.models import AgentState

READERS = (Capability.SUPERVISE, Capability.LEAD_DEPARTMENT)


def _state_labels() -> dict[str, str]:
    return {
        AgentState.AVAILABLE: _("Available"),
        AgentState.RINGING: _("Ringing"),
        AgentState.IN_CALL: _("In call"),
        AgentState.WRAP_UP: _("After-call work"),
        AgentState.PAUSED: _("Paused"),
        AgentState.UNAVAILABLE: _("Unavailable"),
        AgentState.LOGGED_OUT: _("Logged off"),
    }


def _wallboard_context(request: HttpRequest) -> dict[str, Any]:
    snapshot = wallboard_snapshot(user=request.user, now=timezone.now())
    labels = _state_labels()
    context: dict[str, Any] = {"snapshot": snapshot}
    if snapshot["queues"] is not None:
        context["queues"] = [
            {
                **row,
                "longest": duration(row["longest_wait_seconds"]),
                "since_ms": epoch_ms(row["oldest_joined_at"]),
            }
            for row in snapshot["queues"]
        ]
    if snapshot["agents"] is not None:
        agents = snapshot["agents"]
        context["agent_counts"] = [
            {"state": state, "label": labels[state], "count": count}
            for state, count in agents["counts"].items()
        ]
        context["agents"] = [
            {
                **agent,
                "label": labels.get(agent["state"], agent["state"]),
                "in_state": duration(agent["seconds_in_state"]),
                "since_ms": epoch_ms(agent["since"]),
            }
            for agent in agents["agents"]
        ]
        context["names_shown"] = agents["names_shown"]
    if snapshot["today"] is not None:
        context["today"] = figure_rows(snapshot["today"])
    if snapshot["month_on_time"] is not None:
        month = snapshot["month_on_time"]
        context["month_on_time"] = {
            **month,
            "shown": value(Unit.RATE, month["response_on_time_rate"]),
            "target_shown": value(Unit.RATE, month["target"]),
            "verdict": verdict(month["met"]),
        }
    return context


@capability_required(*READERS)
@require_GET
def wallboard(request: HttpRequest) -> HttpResponse:
    context = _wallboard_context(request)
    # The page is the read; its live refreshes (the fragment) show the same figures.
    report_read_record(
        request=request,
        scope=report_scope(user=request.user),
        period=today(timezone.now()),
        grouping="wallboard",
    )
    context["config"] = {"wsPath": "/ws/live/", "fragmentUrl": reverse("reports:wallboard_data")}
    context["tv"] = request.GET.get("tv") == "1"
    return render(request, "reports/wallboard.html", context)


@capability_required(*READERS)
@require_GET
def wallboard_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/_wallboard.html", _wallboard_context(request))


def my_day_context(user: User) -> dict[str, Any]:
    now = timezone.now()
    return {
        "my_day": my_day_rows(my_day(user=user, now=now)),
        "my_day_as_of": timezone.localtime(now).strftime("%H:%M"),
    }


@capability_required(Capability.USE_DESK)
@require_GET
def my_day_fragment(request: HttpRequest) -> HttpResponse:
    """The agent's own figures of today for the desk ("Mein Tag")."""
    assert isinstance(request.user, User)
    return render(request, "reports/_my_day.html", my_day_context(request.user))

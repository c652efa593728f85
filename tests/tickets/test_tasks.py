"""Beat tasks run their real code (Celery is eager in tests) at frozen times."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.factories import DepartmentFactory
from tests.support.clock import BERLIN
from tickets import services, tasks
from tickets.models import NotificationKind, Ticket, TicketNotification

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def run_notify(capture: DjangoCaptureOnCommitCallbacks) -> int:
    with capture(execute=True):
        return tasks.notify_deadlines.delay().get()


def test_reminder_goes_to_the_department_once_at_75_percent(
    escalated: Ticket,
    department: Department,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    frozen.move_to(at(3, 3, 17, 59))
    assert run_notify(django_capture_on_commit_callbacks) == 0
    frozen.move_to(at(3, 3, 18))  # 18 of 24 service hours
    assert run_notify(django_capture_on_commit_callbacks) == 1
    assert run_notify(django_capture_on_commit_callbacks) == 0
    [message] = mail.outbox
    assert message.to == [department.email]
    assert escalated.number in message.subject
    notification = TicketNotification.objects.get()
    assert notification.kind == NotificationKind.REMINDER
    assert notification.sent_at is not None
    assert escalated.timeline.filter(code="tickets.ticket.reminder_notified").count() == 1


def test_sending_a_notification_twice_sends_one_mail(
    escalated: Ticket,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    frozen.move_to(at(3, 3, 18))
    run_notify(django_capture_on_commit_callbacks)
    notification = TicketNotification.objects.get()
    tasks.send_notification.delay(notification.pk)
    assert len(mail.outbox) == 1


def test_overdue_goes_to_leads_and_supervisors(
    escalated: Ticket,
    lead: User,
    clerk: User,
    supervisor: User,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    for user, email in ((lead, "lead@example.org"), (clerk, "clerk@example.org")):
        user.email = email
        user.save()
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    frozen.move_to(at(3, 4, 14))
    # Only the overdue notification: the reminder moment passed unseen (the worker was down).
    assert run_notify(django_capture_on_commit_callbacks) == 1
    assert run_notify(django_capture_on_commit_callbacks) == 0
    [message] = mail.outbox
    assert sorted(message.to) == ["lead@example.org", "supervisor@example.org"]
    assert message.subject.startswith("Overdue") or "überfällig" in message.subject.lower()
    assert escalated.timeline.filter(code="tickets.ticket.overdue_notified").exists()


def test_department_without_address_is_reminded_through_its_members(
    open_ticket: Ticket,
    agent: User,
    clerk: User,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    department = clerk.department_memberships.get().department
    department.email = ""
    department.save()
    clerk.email = "clerk@example.org"
    clerk.save()
    services.ticket_escalate(ticket=open_ticket, actor=agent, department=department)
    frozen.move_to(at(3, 3, 18))
    run_notify(django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["clerk@example.org"]


def test_a_new_deadline_brings_a_new_reminder(
    in_progress: Ticket,
    clerk: User,
    agent: User,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    frozen.move_to(at(3, 3, 18))
    assert run_notify(django_capture_on_commit_callbacks) == 1
    returned = services.ticket_return(ticket=in_progress, actor=clerk, reason="Falsches Amt")
    services.ticket_reescalate(ticket=returned, actor=agent, department=DepartmentFactory.create())
    frozen.move_to(at(3, 5, 16))  # 18 service hours after Tuesday 18:00
    assert run_notify(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2


def test_closed_tickets_get_no_reminders(
    closed: Ticket,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    frozen.move_to(at(3, 10, 9))
    assert run_notify(django_capture_on_commit_callbacks) == 0


def test_caller_data_is_anonymised_after_the_retention_period(
    closed: Ticket, frozen: time_machine.Traveller, agent: User
) -> None:
    recent = services.ticket_create(
        actor=agent,
        subject="neu",
        caller=services.CallerData(consent=True, name="Max", phone="0301"),
    )
    recent = services.ticket_close(ticket=recent, actor=agent, resolution="erledigt")
    closed_at = at(3, 2, 10).astimezone(dt.UTC)  # in UTC: 180 days later is summer time
    frozen.move_to(closed_at + dt.timedelta(days=180, seconds=-1))
    assert tasks.anonymise_caller_data.delay().get() == 0
    frozen.move_to(closed_at + dt.timedelta(days=180))
    assert tasks.anonymise_caller_data.delay().get() == 2
    assert tasks.anonymise_caller_data.delay().get() == 0
    closed.refresh_from_db()
    assert (closed.caller_name, closed.caller_phone, closed.caller_email) == ("", "", "")
    assert closed.caller_phone_normalized == ""
    assert closed.caller_data_anonymised_at is not None
    entry = closed.timeline.get(code="tickets.ticket.caller_data_anonymised")
    assert entry.actor is None
    assert entry.data == {
        "retention_days": 180,
        "rules": 2,
        "contact_fields": True,
        "removed": {},
        "fields": [],
        "timeline_entries": 0,
    }

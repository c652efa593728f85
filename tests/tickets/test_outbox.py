"""The e-mail outbox: what a redelivered task does with the row a killed worker left behind.

The killed worker itself is in ``tests/e2e/test_faults.py`` (a real Celery worker, kill -9
while the SMTP server holds its message); here the row states it leaves, with Celery eager.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from callcenter.accounts.models import User
from tickets import services, tasks
from tickets.models import OutgoingEmail, Ticket, TicketNotification, TimelineEntry
from tickets.outbox import MessageClaimedError, outbox_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def responded(
    in_progress: Ticket,
    clerk: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> TimelineEntry:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_respond(ticket=in_progress, actor=clerk, message="Guten Tag")
    return ticket.timeline.get(code="tickets.ticket.responded")


def test_the_response_is_sent_once_with_the_message_id_of_its_row(responded: TimelineEntry) -> None:
    [message] = mail.outbox
    row = OutgoingEmail.objects.get(key=f"response:{responded.pk}")
    assert message.extra_headers["Message-ID"] == row.message_id
    assert row.sent_at is not None and row.attempts == 1 and row.claimed_until is None
    tasks.send_citizen_response.delay(responded.pk)  # redelivered after the success
    assert len(mail.outbox) == 1


def test_an_attempt_killed_before_the_servers_acceptance_is_repeated_with_the_same_message_id(
    in_progress: Ticket,
    clerk: User,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # the mail task does not run here
        ticket = services.ticket_respond(ticket=in_progress, actor=clerk, message="Guten Tag")
    responded = ticket.timeline.get(code="tickets.ticket.responded")
    # What a worker killed mid-SMTP leaves: claimed, not sent, no timeline mark.
    row = OutgoingEmail.objects.create(
        key=f"response:{responded.pk}",
        message_id="<killed.attempt@example.org>",
        attempts=1,
        claimed_until=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=300),
    )

    with pytest.raises(MessageClaimedError) as claimed:  # the claim is still live
        tasks.emails.citizen_response_send(entry_id=responded.pk)
    assert 290 <= claimed.value.retry_in <= 300
    assert mail.outbox == []

    frozen.shift(301)
    tasks.send_citizen_response.delay(responded.pk)
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == "<killed.attempt@example.org>"
    assert message.message()["Message-ID"] == "<killed.attempt@example.org>"
    row.refresh_from_db()
    assert row.attempts == 2 and row.sent_at is not None
    assert ticket.timeline.filter(code="tickets.ticket.response_emailed").count() == 1


def test_a_failed_smtp_exchange_releases_the_claim(
    db: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: object, messages: list[object]) -> int:
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    message = mail.EmailMessage("s", "b", None, ["a@example.org"])
    with pytest.raises(ConnectionRefusedError):
        outbox_send(key="test:refused", message=message)
    row = OutgoingEmail.objects.get(key="test:refused")
    assert row.claimed_until is None and row.sent_at is None and row.attempts == 1


def test_a_notification_recorded_but_never_enqueued_goes_out_at_the_next_run(
    escalated: Ticket,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # A worker killed between recording the reminder and enqueueing its mail.
    frozen.move_to(escalated.remind_at)
    from tickets.models import NotificationKind
    from tickets.notifications import notification_record

    notification = notification_record(ticket=escalated, kind=NotificationKind.REMINDER)
    assert notification is not None
    frozen.shift(60)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notify_deadlines.delay()
    assert mail.outbox == []  # too fresh: its own task may still be on the way
    frozen.shift(300)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notify_deadlines.delay()
        tasks.notify_deadlines.delay()
    assert len(mail.outbox) == 1
    assert TicketNotification.objects.get().sent_at is not None

"""Start an e-mail on a production arrangement the way the application does (for fault tests).

Run with the arrangement's environment (``Running.environ``):

    python -m tests.support.topology_mail response --email erika@example.org
    python -m tests.support.topology_mail reminder --email amt@example.org

``response``: a ticket with the caller's e-mail address, escalated, taken and answered with an
attachment by the service; the commit enqueues ``send_citizen_response`` on the broker.
``reminder``: an escalated ticket of a department with ``--email`` whose reminder time has
passed, then the beat task ``notify_deadlines`` itself, which records the reminder and
enqueues ``send_notification``. Prints one JSON object with the ticket's number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["response", "reminder"])
    parser.add_argument("--email", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    import django

    django.setup()
    from django.utils import timezone

    from callcenter.accounts.roles import Role
    from callcenter.accounts.services import user_create_or_update
    from callcenter.directory.models import Department
    from callcenter.directory.services import membership_set
    from tickets import services, tasks
    from tickets.attachments import AttachmentUpload
    from tickets.models import ResponseChannel, Ticket
    from tickets.services import CallerData

    suffix = uuid.uuid4().hex[:8]
    # The arrangement's department (``tests.support.topology_setup``); reminders go to its address.
    department = Department.objects.order_by("pk").first()
    assert department is not None
    if args.kind == "reminder":
        Department.objects.filter(pk=department.pk).update(email=args.email)
        department.refresh_from_db()
    agent = user_create_or_update(username=f"a{suffix}", password=None, roles=[Role.CALL_AGENT])
    clerk = user_create_or_update(
        username=f"c{suffix}", password=None, roles=[Role.DEPARTMENT_CLERK]
    )
    membership_set(user=clerk, department=department)
    caller = CallerData(
        consent=True,
        name="Erika Mustermann",
        phone="030 123456",
        email=args.email if args.kind == "response" else "",
        response_channel=ResponseChannel.EMAIL if args.kind == "response" else ResponseChannel.NONE,
    )
    ticket = services.ticket_create(actor=agent, subject="Wohnsitz ummelden", caller=caller)
    ticket = services.ticket_escalate(ticket=ticket, actor=agent, department=department)
    if args.kind == "response":
        ticket = services.ticket_take(ticket=ticket, actor=clerk)
        services.ticket_respond(
            ticket=ticket,
            actor=clerk,
            message="Guten Tag, anbei das Formular.",
            attachments=[AttachmentUpload(name="formular.pdf", content=PDF)],
        )
    else:
        past = timezone.now() - dt.timedelta(minutes=1)
        Ticket.objects.filter(pk=ticket.pk).update(remind_at=past)
        tasks.notify_deadlines()  # the beat task's own code, run here instead of by beat
    json.dump({"number": ticket.number}, sys.stdout)


if __name__ == "__main__":
    main()

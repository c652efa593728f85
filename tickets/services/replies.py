"""Writes of reply templates: department leads keep their departments', administrators all."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tickets.exceptions import ReplyTemplateInvalid, ReplyTemplateNotFound, StaleReplyTemplate
from tickets.models import ReplyTemplate
from tickets.replies import placeholders_unknown
from tickets.selectors import reply_template_departments

TITLE_MAX = 120
BODY_MAX = 4000


def _checked(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.replace("\r\n", "\n").strip()
    if not title:
        raise ReplyTemplateInvalid.for_field("title", _("Enter a title."))
    if len(title) > TITLE_MAX:
        raise ReplyTemplateInvalid.for_field(
            "title", _("The title may have at most %(limit)s characters.") % {"limit": TITLE_MAX}
        )
    if not body:
        raise ReplyTemplateInvalid.for_field("body", _("Enter the text."))
    if len(body) > BODY_MAX:
        raise ReplyTemplateInvalid.for_field(
            "body", _("The text may have at most %(limit)s characters.") % {"limit": BODY_MAX}
        )
    unknown = placeholders_unknown(body)
    if unknown:
        raise ReplyTemplateInvalid.for_field(
            "body",
            _("Unknown placeholder %(names)s. Use {Name}, {Ticketnummer} or {Leistung}.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)},
        )
    return title, body


def _guard(actor: User, department: Department) -> None:
    if not reply_template_departments(actor).filter(pk=department.pk).exists():
        raise ReplyTemplateNotFound(_("You do not keep the reply templates of this department."))


def _title_taken(title: str) -> ReplyTemplateInvalid:
    message = _("This department already has a template named %(title)s.") % {"title": title}
    return ReplyTemplateInvalid.for_field("title", message)


@transaction.atomic
def reply_template_create(
    *, department: Department, title: str, body: str, actor: User
) -> ReplyTemplate:
    _guard(actor, department)
    title, body = _checked(title, body)
    if ReplyTemplate.objects.filter(department=department, title__iexact=title).exists():
        raise _title_taken(title)
    return ReplyTemplate.objects.create(
        department=department, title=title, body=body, updated_by=actor
    )


@transaction.atomic
def reply_template_update(
    *,
    template: ReplyTemplate,
    title: str,
    body: str,
    is_active: bool,
    actor: User,
    expected_version: int,
) -> ReplyTemplate:
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    _guard(actor, locked.department)
    if locked.version != expected_version:
        raise StaleReplyTemplate(
            _(
                "Someone else changed this template in the meantime. Nothing was saved: the "
                "page shows the current text, your input is kept below it."
            ),
            extra={"version": locked.version},
        )
    title, body = _checked(title, body)
    clash = ReplyTemplate.objects.filter(department=locked.department, title__iexact=title)
    if clash.exclude(pk=locked.pk).exists():
        raise _title_taken(title)
    locked.title, locked.body, locked.is_active = title, body, is_active
    locked.updated_by = actor
    locked.version += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise _title_taken(title) from None
    return locked


@transaction.atomic
def reply_template_delete(*, template: ReplyTemplate, actor: User) -> None:
    locked = ReplyTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if locked is None:
        raise ReplyTemplateNotFound(_("This template was deleted already."))
    _guard(actor, locked.department)
    locked.delete()

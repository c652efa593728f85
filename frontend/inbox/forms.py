"""Forms of the department inbox: the list filters and one small form per ticket action.

Every action form carries the ticket version the clerk saw; the service compares it under
its row lock, so a stale form is a conflict and never overwrites a colleague's change. Field
names are the REST serializers' names: ``tickets.actions`` turns either into the service call.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from frontend.limits import form_name_limits
from frontend.pickers import DepartmentModelChoiceField
from tickets.attachments import AttachmentUpload, attachment_size_error
from tickets.workflow import Status

# A response is read by a citizen: long enough for any answer, bounded for the mail.
RESPONSE_MAX = 10000

MINE = "mine"
UNASSIGNED = "none"

INBOX_STATUSES = (
    Status.ESCALATED,
    Status.IN_PROGRESS,
    Status.WAITING_FOR_CITIZEN,
    # Answered tickets stay with the department until someone closes them.
    Status.ANSWERED,
)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All open work"))] + [(s.value, s.label) for s in INBOX_STATUSES],
    )
    assignee = forms.ChoiceField(
        label=_("Assignment"),
        required=False,
        choices=[("", _("Everyone")), (MINE, _("Assigned to me")), (UNASSIGNED, _("Unassigned"))],
    )
    overdue = forms.BooleanField(label=_("Only overdue tickets"), required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ColleagueField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class AssignForm(VersionForm):
    assignee = ColleagueField(
        label=_("Colleague"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody (unassigned)"),
    )

    def __init__(self, *args: Any, colleagues: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if colleagues is not None:
            field = self.fields["assignee"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = colleagues


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files; each becomes an ``AttachmentUpload`` once its size is within the limit
    (the service checks type and content)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ",".join(ACCEPT)}),
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[AttachmentUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        uploads = []
        for upload in files:
            error = attachment_size_error(upload.name or "", upload.size or 0)
            if error:
                raise forms.ValidationError(error)
            uploads.append(AttachmentUpload(name=upload.name or "", content=upload.read()))
        return uploads


ACCEPT = (".pdf", ".png", ".jpg", ".jpeg")


class RespondForm(VersionForm):
    message = forms.CharField(
        label=_("Response to the citizen"),
        max_length=RESPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = AttachmentsField(
        label=_("Attachments (e.g. a form as PDF)"),
        help_text=_("PDF, PNG or JPEG; each at most %(limit)s MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.CALLCENTER_ATTACHMENT_MAX_BYTES / 1024 / 1024
        field = self.fields["attachments"]
        field.help_text = str(field.help_text) % {"limit": f"{limit:.0f}"}
        form_name_limits(self)


class ForwardForm(VersionForm):
    department = DepartmentModelChoiceField(
        label=_("Forward to department"), queryset=Department.objects.none()
    )
    note = forms.CharField(
        label=_("Note for the receiving department"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            field = self.fields["department"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = departments


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for the return"), widget=forms.Textarea(attrs={"rows": 2})
    )


class WaitForm(VersionForm):
    note = forms.CharField(
        label=_("What the citizen still has to provide"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(VersionForm):
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

"""The manual ticket form (e-mail, letter, walk-in): the service checks every rule again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callcenter.directory.selectors import department_list
from frontend.limits import form_name_limits
from frontend.pickers import DepartmentModelChoiceField, ServiceSelect
from knowledge.models import Service
from knowledge.selectors import service_default_departments, service_list_published
from tickets.models import Channel, Priority, ResponseChannel
from tickets.services import CallerData


class DepartmentChoiceField(DepartmentModelChoiceField):
    """Grouped by authority and searchable as one types (``frontend/pickers.py``)."""


# "No response wanted" is no choice to offer: an escalation needs an explicit one.
RESPONSE_CHOICES = [("", _("– choose –"))] + [
    (value, label) for value, label in ResponseChannel.choices if value
]

# A ticket without a call: how the request reached the service centre.
MANUAL_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.PHONE] + [
    (Channel.PHONE.value, Channel.PHONE.label)
]


class CallerForm(forms.Form):
    """Forms with the caller's contact fields: hints and errors described for screen readers,
    the fields as ``CallerData`` for the service (which checks every rule); an over-long text is
    refused naming the field and its limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_name_limits(self)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe_errors()

    def _describe_errors(self) -> None:
        # Screen readers announce the hint and the error with the field (Django sets
        # aria-invalid itself).
        for name, field in self.fields.items():
            auto_id = f"id_{self.add_prefix(name)}"
            ids = [f"{auto_id}-hint"] if field.help_text else []
            if name in self.errors:
                ids.append(f"{auto_id}-error")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def caller(self) -> CallerData:
        data: dict[str, Any] = self.cleaned_data
        return CallerData(
            consent=bool(data.get("consent")),
            name=data.get("name") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            address=data.get("address") or "",
            response_channel=data.get("response_channel") or ResponseChannel.NONE,
        )


class ManualTicketForm(CallerForm):
    channel = forms.ChoiceField(label=_("Received by"), choices=MANUAL_CHANNELS)
    subject = forms.CharField(
        label=_("Subject"), max_length=255, widget=forms.TextInput(attrs={"data-counter": ""})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    service = forms.ModelChoiceField[Service](
        label=_("Service (optional)"),
        queryset=service_list_published().select_related(None).only("pk", "title"),
        required=False,
        empty_label=_("– no service –"),
        widget=ServiceSelect(preselects="id_department"),
        help_text=_(
            "The service the request is about; its responsible department is pre-selected below."
        ),
    )
    department = DepartmentChoiceField(
        label=_("Escalate to department (optional)"),
        queryset=department_list().order_by("authority__name", "name"),
        required=False,
        empty_label=_("– no escalation: the ticket stays with the service centre –"),
        help_text=_(
            "With a department the ticket is escalated at once, like a wrap-up from a call: "
            "the description is the note for the department."
        ),
    )
    response_channel = forms.ChoiceField(
        label=_("Response by"), choices=RESPONSE_CHOICES, required=False
    )
    consent = forms.BooleanField(
        label=_("The citizen agrees that their contact data is stored for the response"),
        required=False,
    )
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Postal address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        widget = service.widget
        assert isinstance(widget, ServiceSelect)
        assert service.queryset is not None
        widget.default_departments = service_default_departments(service.queryset)


class WrapUpDepartmentForm(forms.Form):
    """The wrap-up's department picker (the rest of the wrap-up is the desk's script); render
    with ``auto_id="wrapup-%s"`` for the id the script uses."""

    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=department_list(),
        required=False,
        empty_label=_("– choose –"),
    )


class CallerFieldsForm(CallerForm):
    """How the citizen gets the response, as on the manual ticket (checked by the service)."""

    response_channel = forms.ChoiceField(
        label=_("Response by"), choices=RESPONSE_CHOICES, required=False
    )
    consent = forms.BooleanField(
        label=_("The citizen agrees that their contact data is stored for the response"),
        required=False,
    )
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Postal address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeskEscalateForm(CallerFieldsForm):
    """An open ticket (manual, unowned, or a call not wrapped up) forwarded from its page."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=department_list().order_by("authority__name", "name"),
        required=False,
        empty_label=_("– choose –"),
    )
    note = forms.CharField(
        label=_("Note for the department"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["version", "department", "note", "response_channel", "consent"]


class DeskCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeskNoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}))

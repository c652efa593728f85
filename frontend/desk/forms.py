"""The manual ticket form (e-mail, letter, walk-in): the service checks every rule again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Channel, Priority, ResponseChannel
from tickets.services import CallerData

# A ticket without a call: how the request reached the service centre.
MANUAL_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.PHONE] + [
    (Channel.PHONE.value, Channel.PHONE.label)
]


class ManualTicketForm(forms.Form):
    channel = forms.ChoiceField(label=_("Received by"), choices=MANUAL_CHANNELS)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
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
    response_channel = forms.ChoiceField(
        label=_("Response by"), choices=ResponseChannel.choices, required=False
    )

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe_errors()

    def _describe_errors(self) -> None:
        # Screen readers announce the error with the field (Django sets aria-invalid itself).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"

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

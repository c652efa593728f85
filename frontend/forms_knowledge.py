"""Forms of the editors' workspace: parse and redisplay input, no domain rules.

The rules (required title, LeiKa key, allowed URLs, validity order, workflow) live in
``knowledge.content`` / ``knowledge.services``; their ``InvalidContent`` errors are attached to
the matching field with ``frontend.errors.form_add_domain_error``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callcenter.directory.models import Location
from callcenter.directory.selectors import department_list, location_list
from frontend.pickers import (
    DepartmentModelChoiceField,
    DepartmentModelMultipleChoiceField,
    DepartmentSelectMultiple,
)
from knowledge.content import (
    EDITABLE_FIELDS,
    TEXT_KINDS,
    TEXT_MODULES,
    ContentField,
    FormLink,
    Kind,
    ServiceContent,
)
from knowledge.models import Service, Topic
from knowledge.selectors import topic_list
from knowledge.workflow import ServiceStatus

# Domain field name → form field name where they differ.
FIELD_ALIASES = {"forms": "form_links"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TopicChoiceField(forms.ModelChoiceField[Topic]):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


class DepartmentChoiceField(DepartmentModelChoiceField):
    """The shared department picker (``frontend/pickers.py``)."""


class DepartmentsField(DepartmentModelMultipleChoiceField):
    """The shared department picker, several at once (``frontend/pickers.py``)."""


class LocationsField(forms.ModelMultipleChoiceField[Location]):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.name}, {obj.address}" if obj.address else obj.name


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A list of words, one per line (search terms)."""

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> list[str]:
        return _lines(super().clean(value) or "")


class LinksField(forms.CharField):
    """Links, one per line: ``title | https://…`` (forms)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(f"{link.get('title', '')} | {link.get('url', '')}" for link in value)
        return value

    def clean(self, value: Any) -> list[FormLink]:
        links = []
        for line in _lines(super().clean(value) or ""):
            title, sep, url = line.rpartition("|")
            if not sep:
                title, url = "", line
            url = url.strip()
            if not url:
                raise forms.ValidationError(
                    _("Every line needs a link: title | https://…"), code="form_link"
                )
            links.append(FormLink(title=title.strip() or url, url=url))
        return links


def form_field(field: ContentField) -> forms.Field:
    """The editor's input for a content field, by its kind."""
    label, kind = field.label, field.kind
    if kind is Kind.MARKDOWN:
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 8 if field.name == "full_text" else 4}),
            help_text=_("Markdown. Only visible to agents, never to citizens.")
            if field.internal
            else _("Markdown."),
        )
    if kind is Kind.TERMS:
        return LinesField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One term per line: words callers use, e.g. “Perso”."),
        )
    if kind is Kind.LINKS:
        return LinksField(
            label=label,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One form per line: title | https://…"),
        )
    if kind is Kind.DATE:
        return forms.DateField(label=label, required=False, widget=DateInput())
    if kind is Kind.TOPIC:
        return TopicChoiceField(label=label, queryset=topic_list(), required=False, empty_label="—")
    widget: forms.Widget | None = None
    if kind is Kind.URL:
        widget = forms.URLInput(attrs={"placeholder": "https://"})
    elif kind is Kind.CODE:
        widget = forms.TextInput(attrs={"inputmode": "numeric", "pattern": field.pattern})
    return forms.CharField(
        label=label,
        required=field.required,
        max_length=field.max_length,
        widget=widget,
        help_text=field.help_text,
    )


def _form_name(field: ContentField) -> str:
    return FIELD_ALIASES.get(field.name, field.name)


class ServiceForm(forms.Form):
    """Every editable field of a service; ``revision`` guards against overwriting others."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, with_revision: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_revision:
            del self.fields["revision"]
        for field in EDITABLE_FIELDS:
            self.fields[_form_name(field)] = form_field(field)

    def module_fields(self) -> list[forms.BoundField]:
        return [self[module.name] for module in TEXT_MODULES]

    def content(self) -> dict[str, Any]:
        """The cleaned data as ``service_create`` / ``service_update`` content."""
        return {
            field.name: self.cleaned_data[_form_name(field)]
            for field in EDITABLE_FIELDS
            if _form_name(field) in self.cleaned_data
        }

    def preview_content(self) -> ServiceContent:
        """What the form would publish, even if invalid: text fields with errors as typed."""
        values = {field.name: self.cleaned_data.get(_form_name(field)) for field in EDITABLE_FIELDS}
        for field in EDITABLE_FIELDS:
            if field.kind in TEXT_KINDS and _form_name(field) in self.errors:
                values[field.name] = self.data.get(_form_name(field), "")
        return ServiceContent.from_snapshot(values)


def service_initial(service: Service) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": service.revision}
    for field in EDITABLE_FIELDS:
        initial[_form_name(field)] = (
            service.topic_id if field.kind is Kind.TOPIC else getattr(service, field.name)
        )
    return initial


def focus_first_error(form: forms.Form) -> None:
    """Put the keyboard focus on the first field with an error when the page loads again."""
    for name, field in form.fields.items():
        if name in form.errors and not field.widget.is_hidden:
            field.widget.attrs["autofocus"] = True
            return


class ServiceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ServiceStatus.choices],
    )
    topic = TopicChoiceField(
        label=_("Topic"), queryset=topic_list(), required=False, empty_label=_("All")
    )
    department = DepartmentChoiceField(
        label=_("Responsible department"),
        queryset=department_list(),
        required=False,
        empty_label=_("All"),
    )
    review_overdue = forms.BooleanField(label=_("Review overdue"), required=False)

    def query(self) -> str:
        """The text searched for (empty: no text search)."""
        return str(self.cleaned_data["q"]) if self.is_valid() else ""

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``knowledge.selectors.service_filter``."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"] or None,
            "topic_id": data["topic"].pk if data["topic"] else None,
            "department_id": data["department"].pk if data["department"] else None,
            "review_overdue": True if data["review_overdue"] else None,
        }


class RejectForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    comment = forms.CharField(
        label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ArticleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = TopicChoiceField(
        label=_("Topic"), queryset=topic_list(), required=False, empty_label=_("All")
    )

    def query(self) -> str:
        return str(self.cleaned_data["q"]) if self.is_valid() else ""

    def topic_id(self) -> int | None:
        if not self.is_valid() or self.cleaned_data["topic"] is None:
            return None
        return int(self.cleaned_data["topic"].pk)


class ResponsibilityForm(forms.Form):
    """Who delivers the service; not versioned by the backend, so it applies at once."""

    departments = DepartmentsField(
        label=_("Responsible departments"),
        queryset=department_list(),
        required=False,
        widget=DepartmentSelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl to select several."),
    )
    default = DepartmentChoiceField(
        label=_("Default department for forwarded requests"),
        queryset=department_list(),
        required=False,
        empty_label="—",
    )
    locations = LocationsField(
        label=_("Locations"),
        queryset=location_list(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl to select several."),
    )


def responsibility_initial(service: Service) -> dict[str, Any]:
    """Current links; reads ``responsibilities`` / ``location_links`` (prefetch them)."""
    links = list(service.responsibilities.all())
    return {
        "departments": [link.department_id for link in links],
        "default": next((link.department_id for link in links if link.is_default), None),
        "locations": [link.location_id for link in service.location_links.all()],
    }

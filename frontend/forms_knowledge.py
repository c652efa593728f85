"""Forms of the editors' workspace: parse and redisplay input, no domain rules.

The rules (required title, LeiKa key, allowed URLs, validity order, workflow) live in
``knowledge.content`` / ``knowledge.services``; their ``InvalidContent`` errors are attached to
the matching field with :func:`add_domain_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.content import TEXT_MODULES, snapshot_value
from knowledge.models import Department, Location, Service, Topic
from knowledge.selectors import department_list, location_list, topic_list
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


class DepartmentChoiceField(forms.ModelChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return f"{obj.name} ({obj.authority.name})"


class DepartmentsField(forms.ModelMultipleChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return f"{obj.name} ({obj.authority.name})"


class LocationsField(forms.ModelMultipleChoiceField[Location]):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.name}, {obj.address}" if obj.address else obj.name


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class ServiceForm(forms.Form):
    """Every editable field of a service; ``revision`` guards against overwriting others."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=255)

    def __init__(self, *args: Any, with_revision: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_revision:
            del self.fields["revision"]
        for module in TEXT_MODULES:
            self.fields[module.key] = forms.CharField(
                label=str(module.label),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4 if module.key != "full_text" else 8}),
                help_text=_("Markdown. Only visible to agents, never to citizens.")
                if module.internal
                else _("Markdown."),
            )
        self.fields["search_terms"] = forms.CharField(
            label=_("Search terms"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One term per line: words callers use, e.g. “Perso”."),
        )
        self.fields["form_links"] = forms.CharField(
            label=_("Forms"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One form per line: title | https://…"),
        )
        self.fields["online_service_url"] = forms.CharField(
            label=_("Online service link"),
            required=False,
            max_length=500,
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
        )
        self.fields["leika_key"] = forms.CharField(
            label=_("LeiKa key"),
            required=False,
            max_length=14,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{14}"}),
            help_text=_("14 digits, e.g. 99102013002000."),
        )
        self.fields["valid_from"] = forms.DateField(
            label=_("Valid from"), required=False, widget=DateInput()
        )
        self.fields["valid_until"] = forms.DateField(
            label=_("Valid until"), required=False, widget=DateInput()
        )
        self.fields["review_due"] = forms.DateField(
            label=_("Review due"), required=False, widget=DateInput()
        )
        self.fields["topic"] = TopicChoiceField(
            label=_("Topic"), queryset=topic_list(), required=False, empty_label="—"
        )

    def module_fields(self) -> list[forms.BoundField]:
        return [self[module.key] for module in TEXT_MODULES]

    def clean_search_terms(self) -> list[str]:
        return _lines(self.cleaned_data.get("search_terms") or "")

    def clean_form_links(self) -> list[dict[str, str]]:
        links = []
        for line in _lines(self.cleaned_data.get("form_links") or ""):
            title, sep, url = line.rpartition("|")
            if not sep:
                title, url = "", line
            url = url.strip()
            if not url:
                raise forms.ValidationError(
                    _("Every line needs a link: title | https://…"), code="form_link"
                )
            links.append({"title": title.strip() or url, "url": url})
        return links

    def content(self) -> dict[str, Any]:
        """The cleaned data as ``service_create`` / ``service_update`` content."""
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        data["forms"] = data.pop("form_links", [])
        return data

    def preview_snapshot(self) -> dict[str, Any]:
        """What the form would publish, shaped like a version snapshot, even if invalid."""
        data = {**self.cleaned_data}
        data.pop("revision", None)
        snapshot: dict[str, Any] = {
            key: snapshot_value(value)
            for key, value in data.items()
            if key not in ("form_links", "topic")
        }
        for name in self.errors:
            # Show invalid text as typed rather than dropping it from the preview.
            if name in ("title", "online_service_url", "leika_key"):
                snapshot[name] = self.data.get(name, "")
        snapshot["forms"] = data.get("form_links") or []
        topic = data.get("topic")
        snapshot["topic"] = {"id": topic.pk, "name": topic.name} if topic else None
        return snapshot


def service_initial(service: Service) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "revision": service.revision,
        "title": service.title,
        "search_terms": "\n".join(service.search_terms or []),
        "form_links": "\n".join(
            f"{form.get('title', '')} | {form.get('url', '')}" for form in service.forms or []
        ),
        "online_service_url": service.online_service_url,
        "leika_key": service.leika_key,
        "valid_from": service.valid_from,
        "valid_until": service.valid_until,
        "review_due": service.review_due,
        "topic": service.topic_id,
    }
    for module in TEXT_MODULES:
        initial[module.key] = getattr(service, module.key)
    return initial


def focus_first_error(form: forms.Form) -> None:
    """Put the keyboard focus on the first field with an error when the page loads again."""
    for name, field in form.fields.items():
        if name in form.errors and not field.widget.is_hidden:
            field.widget.attrs["autofocus"] = True
            return


def add_domain_errors(form: forms.Form, fields: dict[str, Any]) -> None:
    """Attach ``InvalidContent.extra["fields"]`` to the form fields they belong to."""
    for name, message in fields.items():
        target = FIELD_ALIASES.get(name, name)
        form.add_error(target if target in form.fields else None, str(message))


class ServiceFilterForm(forms.Form):
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
    topic = TopicChoiceField(
        label=_("Topic"), queryset=topic_list(), required=False, empty_label=_("All")
    )

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
        widget=forms.SelectMultiple(attrs={"size": 6}),
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

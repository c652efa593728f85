"""Forms of the administration pages (``/verwaltung/``): they parse, the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import BusinessCalendar, Department, OpeningHours
from frontend.limits import LimitedForm, form_name_limits
from frontend.pickers import DepartmentField
from telephony.acd_members import AcdMember

ROLE_CHOICES = [(role.value, role.label) for role in Role]


class RolesField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=ROLE_CHOICES,
            coerce=Role,
            widget=forms.CheckboxSelectMultiple,
            label=_("Roles"),
            **kwargs,
        )


class MemberInterfaceInput(forms.TextInput):
    """A text input offering the queue members the ACD reports (an HTML datalist)."""

    template_name = "verwaltung/_interface_input.html"

    def __init__(self, members: list[AcdMember] | None) -> None:
        super().__init__(attrs={"list": "acd-members", "autocomplete": "off", "maxlength": 128})
        self.members = members or []

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["members"] = [
            (option, f"{member.name} ({', '.join(member.queues)})")
            for member in self.members
            for option in member.names()
        ]
        return context


def interface_field(members: list[AcdMember] | None, *, required: bool) -> forms.CharField:
    help_text = (
        _("One of the queue members the ACD reports.")
        if members is not None
        else _("The ACD could not be asked for its queue members; check the name carefully.")
    )
    return forms.CharField(
        label=_("Phone (queue member interface)"),
        required=required,
        max_length=128,
        widget=MemberInterfaceInput(members),
        help_text=help_text,
    )


class UserCreateForm(LimitedForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    roles = RolesField()
    department = DepartmentField(
        required=False,
        blank=str(_("– no department –")),
        help_text=_("Clerks and department leads see the tickets of their departments."),
    )
    is_lead = forms.BooleanField(label=_("Leads this department"), required=False)

    def __init__(
        self, *args: Any, departments: list[Department], members: list[AcdMember] | None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        department = self.fields["department"]
        assert isinstance(department, DepartmentField)
        department.set_departments(departments, blank=str(_("– no department –")))
        self.fields["interface"] = interface_field(members, required=False)
        form_name_limits(self)


class UserEditForm(LimitedForm):
    version = forms.CharField(widget=forms.HiddenInput)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = RolesField()
    is_active = forms.BooleanField(
        label=_("Active (may log in)"),
        required=False,
        help_text=_("Deactivating logs the person out everywhere at once."),
    )


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class MembershipAddForm(LimitedForm):
    user = PersonChoiceField(
        label=_("Person"), queryset=User.objects.none(), empty_label=_("– choose –")
    )
    is_lead = forms.BooleanField(label=_("Leads this department"), required=False)

    def __init__(self, *args: Any, candidates: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)
        user.queryset = candidates


class DepartmentCalendarForm(LimitedForm):
    version = forms.CharField(widget=forms.HiddenInput)
    calendar = forms.ModelChoiceField(
        label=_("Business-hours calendar"),
        queryset=BusinessCalendar.objects.order_by("name"),
        required=False,
        empty_label=_("The centre's default calendar"),
        help_text=_("Deadlines of escalated tickets count only the calendar's service hours."),
    )


WEEKDAY_CHOICES = OpeningHours.Weekday.choices


class CalendarCreateForm(LimitedForm):
    name = forms.CharField(label=_("Name of the new calendar"), max_length=128)
    holiday_region = forms.CharField(
        label=_("German state for public holidays"),
        max_length=8,
        required=False,
        help_text=_("State code such as BE or NW; empty = the centre's default."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Open on"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    opens = forms.TimeField(
        label=_("Opens at"), initial=dt.time(8), widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes = forms.TimeField(
        label=_("Closes at"), initial=dt.time(18), widget=forms.TimeInput(attrs={"type": "time"})
    )


class ClosureDayForm(LimitedForm):
    date = forms.DateField(label=_("Closure day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class DeviceMapForm(LimitedForm):
    username = forms.ChoiceField(label=_("Person"))
    move = forms.BooleanField(
        label=_("Move the phone if it is mapped to someone else"), required=False
    )

    def __init__(self, *args: Any, users: Any, members: list[AcdMember] | None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["interface"] = interface_field(members, required=True)
        self.order_fields(["interface", "username", "move"])
        username = self.fields["username"]
        assert isinstance(username, forms.ChoiceField)
        username.choices = [("", _("– choose –"))] + [
            (u.username, f"{u.get_full_name() or u.username} ({u.username})") for u in users
        ]
        form_name_limits(self)


class ReplyTemplateForm(LimitedForm):
    department = DepartmentField(label=_("Department"))
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Placeholders: {Name}, {Ticketnummer}, {Leistung}."),
    )
    is_active = forms.BooleanField(label=_("Offered in the inbox"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, departments: list[Department], editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        department = self.fields["department"]
        assert isinstance(department, DepartmentField)
        # One department (a lead's usual case): chosen already, nothing to pick.
        single = editing or len(departments) == 1
        department.set_departments(departments, blank=None if single else str(_("– choose –")))
        if len(departments) == 1:
            department.initial = departments[0].pk
        if editing:
            department.disabled = True
        else:
            del self.fields["is_active"]

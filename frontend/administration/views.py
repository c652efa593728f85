"""The administration pages (``/verwaltung/``): the everyday master-data jobs of a centre.

Add a user with roles and a phone, put people into departments and take them out, set a
department's calendar and closure days, map phones. Views parse, call the services the API
and the Django admin use (accounts, directory, telephony) and render; a form read before
someone else's change answers 409 with the current state and a German message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callcenter.accounts import services as account_services
from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.accounts.selectors import user_list, user_roles, user_version
from callcenter.directory import selectors as directory_selectors
from callcenter.directory import services as directory_services
from callcenter.directory.models import BusinessCalendar, Department
from callcenter.errors import DomainError, StaleWrite
from frontend.administration import forms as admin_forms
from frontend.errors import form_add_domain_error
from telephony import selectors as telephony_selectors
from telephony import services as telephony_services
from telephony.acd_members import acd_members

administration_required = capability_required(Capability.MANAGE_MASTER_DATA)


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _name(user: User) -> str:
    return user.get_full_name() or user.username


_Saved = TypeVar("_Saved")


def _form_submit(
    form: forms.Form,
    write: Callable[[dict[str, Any]], _Saved],
    *,
    saved: Callable[[_Saved], HttpResponse],
    page: Callable[[int], HttpResponse],
    stale: Callable[[StaleWrite], HttpResponse] | None = None,
) -> HttpResponse:
    """The one path of every form post here: a valid form goes to ``write`` (a service, which
    owns its transaction) and ``saved`` answers; an invalid form, or a domain error put on its
    fields, is shown again by ``page`` with 400; with ``stale``, a form read before someone
    else's change is answered by it (409 with the current state)."""
    if form.is_valid():
        try:
            result = write(form.cleaned_data)
        except DomainError as exc:
            if stale is not None and isinstance(exc, StaleWrite):
                return stale(exc)
            form_add_domain_error(form, exc)
        else:
            return saved(result)
    return page(400)


def _done(request: HttpRequest, message: str, to: str, **kwargs: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, **kwargs)


@administration_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "verwaltung/index.html",
        {
            "user_count": User.objects.filter(is_active=True).count(),
            "department_count": Department.objects.filter(is_active=True).count(),
            "device_count": telephony_selectors.device_list().count(),
            "calendar_count": BusinessCalendar.objects.count(),
        },
    )


# --- Users ---------------------------------------------------------------------------------


@administration_required
def users(request: HttpRequest) -> HttpResponse:
    devices: dict[int, list[str]] = {}
    for device in telephony_selectors.device_list():
        devices.setdefault(device.user_id, []).append(device.interface)
    rows = [
        {"user": user, "roles": user_roles(user), "phones": devices.get(user.pk, [])}
        for user in user_list()
    ]
    return render(request, "verwaltung/users.html", {"rows": rows})


@administration_required
def user_new(request: HttpRequest) -> HttpResponse:
    # The ACD is asked before any transaction (network I/O); None: it could not be asked.
    members = acd_members()
    departments = list(directory_selectors.department_list())
    form = admin_forms.UserCreateForm(
        request.POST or None, departments=departments, members=members
    )

    def page(status: int) -> HttpResponse:
        return render(request, "verwaltung/user_new.html", {"form": form}, status=status)

    def write(data: dict[str, Any]) -> User:
        chosen = data["department"]
        department = get_object_or_404(Department, pk=chosen) if chosen else None
        return telephony_services.user_onboard(
            username=data["username"],
            password=data["password"],
            roles=data["roles"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            department=department,
            is_lead=data["is_lead"],
            interface=data["interface"],
            members=members,
        )

    if request.method != "POST":
        return page(200)
    return _form_submit(
        form,
        write,
        saved=lambda user: _done(
            request,
            _("%(name)s was created.") % {"name": _name(user)},
            "verwaltung:user",
            pk=user.pk,
        ),
        page=page,
    )


def _user_context(user: User, form: admin_forms.UserEditForm) -> dict[str, Any]:
    return {
        "person": user,
        "form": form,
        "memberships": user.department_memberships.select_related("department__authority").order_by(
            "department__name"
        ),
        "phones": telephony_selectors.device_list().filter(user=user),
    }


def _user_initial(user: User) -> dict[str, Any]:
    return {
        "version": user_version(user),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": [role.value for role in user_roles(user)],
        "is_active": user.is_active,
    }


@administration_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk, is_superuser=False)
    if request.method != "POST":
        form = admin_forms.UserEditForm(initial=_user_initial(user))
        return render(request, "verwaltung/user.html", _user_context(user, form))
    form = admin_forms.UserEditForm(request.POST)

    def stale(exc: StaleWrite) -> HttpResponse:
        user.refresh_from_db()
        # The input stays in the form, the current state is shown beside it; saving again is
        # then a decision taken knowing the other change.
        data = request.POST.copy()
        data["version"] = user_version(user)
        kept = admin_forms.UserEditForm(data)
        kept.is_valid()
        kept.add_error(None, exc.message)
        context = {**_user_context(user, kept), "current": _user_initial(user)}
        context["current_roles"] = user_roles(user)
        return render(request, "verwaltung/user.html", context, status=409)

    return _form_submit(
        form,
        lambda data: account_services.user_update(
            user=user,
            actor=_actor(request),
            expected_version=data["version"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            roles=data["roles"],
            is_active=data["is_active"],
        ),
        saved=lambda _updated: _done(
            request,
            _("Changes to %(name)s saved.") % {"name": _name(user)},
            "verwaltung:user",
            pk=user.pk,
        ),
        page=lambda status: render(
            request, "verwaltung/user.html", _user_context(user, form), status=status
        ),
        stale=stale,
    )


# --- Departments: members, calendar, closure days ------------------------------------------


def _departments() -> Any:
    return Department.objects.select_related("authority", "calendar")


@administration_required
def departments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "verwaltung/departments.html",
        {"departments": directory_selectors.department_admin_list()},
    )


def _department_page(
    request: HttpRequest,
    department: Department,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    member_ids = department.memberships.values_list("user_id", flat=True)
    candidates = User.objects.filter(is_active=True).exclude(pk__in=member_ids)
    calendar = department.calendar
    context = {
        "department": department,
        "memberships": directory_selectors.department_memberships(department),
        "member_form": forms.get("member_form")
        or admin_forms.MembershipAddForm(candidates=candidates.order_by("last_name", "username")),
        "calendar_form": forms.get("calendar_form")
        or admin_forms.DepartmentCalendarForm(
            initial={
                "version": directory_services.department_version(department),
                "calendar": calendar,
            }
        ),
        "calendar_create_form": forms.get("calendar_create_form")
        or admin_forms.CalendarCreateForm(),
        "closure_form": forms.get("closure_form") or admin_forms.ClosureDayForm(),
        "calendar": calendar,
        "opening_hours": (
            directory_selectors.calendar_opening_hours(calendar) if calendar is not None else []
        ),
        "closure_days": (
            directory_selectors.calendar_closure_days(calendar) if calendar is not None else []
        ),
        "calendar_shared_with": (
            calendar.departments.exclude(pk=department.pk).count() if calendar is not None else 0
        ),
    }
    return render(request, "verwaltung/department.html", context, status=status)


@administration_required
def department_page(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.select_related("authority", "calendar"), pk=pk
    )
    return _department_page(request, department)


@administration_required
@require_POST
def department_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    form = admin_forms.MembershipAddForm(
        request.POST, candidates=User.objects.filter(is_active=True)
    )
    return _form_submit(
        form,
        lambda data: directory_services.membership_set(
            user=data["user"], department=department, is_lead=data["is_lead"]
        ),
        saved=lambda _membership: _done(
            request,
            _("%(name)s now works in %(department)s.")
            % {"name": _name(form.cleaned_data["user"]), "department": department.name},
            "verwaltung:department",
            pk=department.pk,
        ),
        page=lambda status: _department_page(request, department, status=status, member_form=form),
    )


@administration_required
@require_POST
def department_member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    user = get_object_or_404(User, pk=user_pk)
    try:
        directory_services.membership_remove(user=user, department=department, missing_ok=False)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s no longer works in %(department)s.")
            % {"name": _name(user), "department": department.name},
        )
    return redirect("verwaltung:department", pk=department.pk)


@administration_required
@require_POST
def department_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.select_related("authority", "calendar"), pk=pk
    )
    form = admin_forms.DepartmentCalendarForm(request.POST)

    def stale(exc: StaleWrite) -> HttpResponse:
        department.refresh_from_db()
        messages.error(request, exc.message)
        return _department_page(request, department, status=409)

    return _form_submit(
        form,
        lambda data: directory_services.department_calendar_set(
            department=department, calendar=data["calendar"], expected_version=data["version"]
        ),
        saved=lambda _department: _done(
            request,
            _("The calendar of %(department)s was set.") % {"department": department.name},
            "verwaltung:department",
            pk=department.pk,
        ),
        page=lambda status: _department_page(
            request, department, status=status, calendar_form=form
        ),
        stale=stale,
    )


@administration_required
@require_POST
def department_calendar_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a calendar and let the department work by it, in one step."""
    department = get_object_or_404(
        Department.objects.select_related("authority", "calendar"), pk=pk
    )
    form = admin_forms.CalendarCreateForm(request.POST)

    def page(status: int) -> HttpResponse:
        return _department_page(request, department, status=status, calendar_create_form=form)

    def stale(exc: StaleWrite) -> HttpResponse:
        department.refresh_from_db()
        form.add_error(None, exc.message)
        return page(409)

    return _form_submit(
        form,
        lambda data: directory_services.department_calendar_create(
            department=department,
            expected_version=request.POST.get("version", ""),
            name=data["name"],
            holiday_region=data["holiday_region"],
            weekdays=data["weekdays"],
            opens=data["opens"],
            closes=data["closes"],
        ),
        saved=lambda calendar: _done(
            request,
            _("%(department)s now works by the new calendar %(calendar)s.")
            % {"department": department.name, "calendar": calendar.name},
            "verwaltung:department",
            pk=department.pk,
        ),
        page=page,
        stale=stale,
    )


@administration_required
@require_POST
def department_closure_add(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.select_related("authority", "calendar"), pk=pk
    )
    form = admin_forms.ClosureDayForm(request.POST)

    def page(status: int) -> HttpResponse:
        return _department_page(request, department, status=status, closure_form=form)

    calendar = department.calendar
    if calendar is None:
        form.add_error(
            None,
            _("This department uses the default calendar: choose or create its own first."),
        )
        return page(400)
    return _form_submit(
        form,
        lambda data: directory_services.closure_day_add(
            calendar=calendar, date=data["date"], reason=data["reason"]
        ),
        saved=lambda day: _done(
            request,
            _("%(date)s is a closure day of %(calendar)s.")
            % {"date": day.date.strftime("%d.%m.%Y"), "calendar": calendar.name},
            "verwaltung:department",
            pk=department.pk,
        ),
        page=page,
    )


@administration_required
@require_POST
def department_closure_remove(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.select_related("calendar"), pk=pk)
    if department.calendar is None:
        messages.error(request, _("This closure day was removed already."))
    else:
        try:
            directory_services.closure_day_remove(
                calendar=department.calendar, closure_day_id=day_pk
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The closure day was removed."))
    return redirect("verwaltung:department", pk=department.pk)


# --- Phones --------------------------------------------------------------------------------


def _phones_page(
    request: HttpRequest, form: admin_forms.DeviceMapForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "verwaltung/phones.html",
        {"devices": telephony_selectors.device_list(), "form": form},
        status=status,
    )


def _phone_users() -> Any:
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


@administration_required
def phones(request: HttpRequest) -> HttpResponse:
    members = acd_members()  # network I/O: before any transaction
    if request.method != "POST":
        form = admin_forms.DeviceMapForm(users=_phone_users(), members=members)
        return _phones_page(request, form)
    form = admin_forms.DeviceMapForm(request.POST, users=_phone_users(), members=members)
    return _form_submit(
        form,
        lambda data: telephony_services.device_map(
            username=data["username"],
            interface=data["interface"],
            members=members,
            move=data["move"],
        ),
        saved=lambda device: _done(
            request,
            _("%(interface)s is mapped to %(name)s.")
            % {"interface": device.interface, "name": _name(device.user)},
            "verwaltung:phones",
        ),
        page=lambda status: _phones_page(request, form, status=status),
    )


@administration_required
@require_POST
def phone_unmap(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        telephony_services.device_unmap(device_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The phone mapping was removed."))
    return redirect("verwaltung:phones")

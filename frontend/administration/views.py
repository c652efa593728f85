"""The administration pages (``/verwaltung/``): the everyday master-data jobs of a centre.

Add a user with roles and a phone, put people into departments and take them out, set a
department's calendar and closure days, map phones. Views parse, call the services the API
and the Django admin use (accounts, directory, telephony) and render; a form read before
someone else's change answers 409 with the current state and a German message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # User, membership and phone together or not at all: a refused phone must not
            # leave a half-made user behind.
            with transaction.atomic():
                user = account_services.user_create(
                    username=data["username"],
                    password=data["password"],
                    roles=data["roles"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                )
                if data["department"]:
                    directory_services.membership_set(
                        user=user,
                        department=get_object_or_404(Department, pk=data["department"]),
                        is_lead=data["is_lead"],
                    )
                if data["interface"]:
                    telephony_services.device_map(
                        username=user.username,
                        interface=data["interface"],
                        members=members,
                        move=False,
                    )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return render(request, "verwaltung/user_new.html", {"form": form}, status=400)
        messages.success(request, _("%(name)s was created.") % {"name": _name(user)})
        return redirect("verwaltung:user", pk=user.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "verwaltung/user_new.html", {"form": form}, status=status)


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
    if form.is_valid():
        data = form.cleaned_data
        try:
            account_services.user_update(
                user=user,
                actor=_actor(request),
                expected_version=data["version"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
                is_active=data["is_active"],
            )
        except StaleWrite as exc:
            user.refresh_from_db()
            # The input stays in the form, the current state is shown beside it; saving again
            # is then a decision taken knowing the other change.
            data = request.POST.copy()
            data["version"] = user_version(user)
            kept = admin_forms.UserEditForm(data)
            kept.is_valid()
            kept.add_error(None, exc.message)
            context = {**_user_context(user, kept), "current": _user_initial(user)}
            context["current_roles"] = user_roles(user)
            return render(request, "verwaltung/user.html", context, status=409)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": _name(user)})
            return redirect("verwaltung:user", pk=user.pk)
    return render(request, "verwaltung/user.html", _user_context(user, form), status=400)


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
    if not form.is_valid():
        return _department_page(request, department, status=400, member_form=form)
    user = form.cleaned_data["user"]
    directory_services.membership_set(
        user=user, department=department, is_lead=form.cleaned_data["is_lead"]
    )
    messages.success(
        request,
        _("%(name)s now works in %(department)s.")
        % {"name": _name(user), "department": department.name},
    )
    return redirect("verwaltung:department", pk=department.pk)


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
    if not form.is_valid():
        return _department_page(request, department, status=400, calendar_form=form)
    try:
        directory_services.department_calendar_set(
            department=department,
            calendar=form.cleaned_data["calendar"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleWrite as exc:
        department.refresh_from_db()
        messages.error(request, exc.message)
        return _department_page(request, department, status=409)
    messages.success(
        request, _("The calendar of %(department)s was set.") % {"department": department.name}
    )
    return redirect("verwaltung:department", pk=department.pk)


@administration_required
@require_POST
def department_calendar_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a calendar and let the department work by it, in one step."""
    department = get_object_or_404(
        Department.objects.select_related("authority", "calendar"), pk=pk
    )
    form = admin_forms.CalendarCreateForm(request.POST)
    version = request.POST.get("version", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                calendar = directory_services.calendar_create(
                    name=data["name"],
                    holiday_region=data["holiday_region"],
                    weekdays=data["weekdays"],
                    opens=data["opens"],
                    closes=data["closes"],
                )
                directory_services.department_calendar_set(
                    department=department, calendar=calendar, expected_version=version
                )
        except StaleWrite as exc:
            department.refresh_from_db()
            form.add_error(None, exc.message)
            return _department_page(request, department, status=409, calendar_create_form=form)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(department)s now works by the new calendar %(calendar)s.")
                % {"department": department.name, "calendar": calendar.name},
            )
            return redirect("verwaltung:department", pk=department.pk)
    return _department_page(request, department, status=400, calendar_create_form=form)


@administration_required
@require_POST
def department_closure_add(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.select_related("authority", "calendar"), pk=pk
    )
    form = admin_forms.ClosureDayForm(request.POST)
    if department.calendar is None:
        form.add_error(
            None,
            _("This department uses the default calendar: choose or create its own first."),
        )
    elif form.is_valid():
        try:
            day = directory_services.closure_day_add(
                calendar=department.calendar,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(date)s is a closure day of %(calendar)s.")
                % {"date": day.date.strftime("%d.%m.%Y"), "calendar": department.calendar.name},
            )
            return redirect("verwaltung:department", pk=department.pk)
    return _department_page(request, department, status=400, closure_form=form)


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
    if form.is_valid():
        try:
            device = telephony_services.device_map(
                username=form.cleaned_data["username"],
                interface=form.cleaned_data["interface"],
                members=members,
                move=form.cleaned_data["move"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(interface)s is mapped to %(name)s.")
                % {"interface": device.interface, "name": _name(device.user)},
            )
            return redirect("verwaltung:phones")
    return _phones_page(request, form, status=400)


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

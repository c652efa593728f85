"""The second factor in the browser: the code after the password, and setting up the app."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from callcenter.accounts.models import User
from callcenter.accounts.services import (
    second_factor_verify,
    session_second_factor_passed,
    totp_device_confirm,
    totp_device_pending,
)
from callcenter.accounts.sessions import PENDING, SECOND_FACTOR, has_totp_device


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _qr_code_svg(config_url: str) -> SafeString:
    """The setup link as a QR code for the phone's camera, inline SVG (no image request)."""
    code = segno.make(config_url, error="m", micro=False)
    # segno writes the SVG itself and escapes the title; the URL is only encoded as modules.
    return mark_safe(
        code.svg_inline(
            scale=4,
            border=4,
            title=_("QR code of the setup link"),
            svgclass="totp-qr",
            light="white",
        )
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify_view(request: HttpRequest) -> HttpResponse:
    if request.session.get(SECOND_FACTOR) != PENDING:
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if second_factor_verify(user=_user(request), code=form.cleaned_data["code"]):
            session_second_factor_passed(request=request)
            return HttpResponseRedirect(_next(request))
        form.add_error("code", _("The code is wrong or has expired. Please try the current one."))
    return render(
        request, "account/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.session.get(SECOND_FACTOR) == PENDING:
        # An app is set up already: prove it first, never replace it with a new one.
        return HttpResponseRedirect(reverse("second-factor-verify"))
    if has_totp_device(user):
        return render(request, "account/second_factor_setup.html", {"active": True})
    device = totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if totp_device_confirm(device=device, code=form.cleaned_data["code"]):
            session_second_factor_passed(request=request)
            return HttpResponseRedirect(_next(request))
        form.add_error("code", _("The code is wrong or has expired. Please try the current one."))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "account/second_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
            "qr_code": _qr_code_svg(device.config_url),
            "next": _next(request),
        },
    )

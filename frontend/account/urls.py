from __future__ import annotations

from django.urls import path

from frontend.account import views

account_patterns = [
    path("anmelden/code/", views.second_factor_verify_view, name="second-factor-verify"),
    path("konto/zwei-faktor/", views.second_factor_setup_view, name="second-factor-setup"),
]

from __future__ import annotations

from django.urls import path

from frontend.tickets import views

ticket_patterns = (
    [path("", views.ticket_list, name="list")],
    "tickets",
)

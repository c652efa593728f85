from __future__ import annotations

from django.urls import path

from frontend.reports import views

report_patterns = (
    [
        path("wallboard/", views.wallboard, name="wallboard"),
        path("wallboard/daten/", views.wallboard_fragment, name="wallboard_data"),
        path("desk/mein-tag/", views.my_day_fragment, name="my_day"),
    ],
    "reports",
)

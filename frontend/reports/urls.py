from __future__ import annotations

from django.urls import path

from frontend.reports import pages, views

report_patterns = (
    [
        path("wallboard/", views.wallboard, name="wallboard"),
        path("wallboard/daten/", views.wallboard_fragment, name="wallboard_data"),
        path("desk/mein-tag/", views.my_day_fragment, name="my_day"),
        path("berichte/", pages.reports, name="index"),
        path("berichte/export.csv", pages.export_csv, name="export_csv"),
        path("berichte/export.xlsx", pages.export_xlsx, name="export_xlsx"),
        path("berichte/monat/", pages.monthly, name="monthly"),
    ],
    "reports",
)

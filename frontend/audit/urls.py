from __future__ import annotations

from django.urls import path

from frontend.audit import views

audit_patterns = [
    path("", views.audit_log, name="audit-log"),
    path("export.csv", views.audit_log_export, name="audit-log-export"),
]

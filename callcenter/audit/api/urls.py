from __future__ import annotations

from django.urls import path

from callcenter.audit.api import views

urlpatterns = [
    path("", views.AuditListView.as_view(), name="audit-list"),
    path("export/", views.AuditExportView.as_view(), name="audit-export"),
]

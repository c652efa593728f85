from __future__ import annotations

from django.urls import path, re_path

from telephony.api import reports, views

call_urlpatterns = [
    path("", views.CallListView.as_view(), name="call-list"),
    path("<int:pk>/", views.CallDetailView.as_view(), name="call-detail"),
    # With and without the slash: a POST cannot be redirected to add it.
    re_path(r"^(?P<pk>\d+)/wrap-up/?$", views.CallWrapUpView.as_view(), name="call-wrap-up"),
    re_path(
        r"^(?P<pk>\d+)/wrap-up/amend/?$",
        views.CallWrapUpAmendView.as_view(),
        name="call-wrap-up-amend",
    ),
    re_path(
        r"^(?P<pk>\d+)/wrap-up/draft/?$",
        views.CallWrapUpDraftView.as_view(),
        name="call-wrap-up-draft",
    ),
]

telephony_urlpatterns = [
    path("devices/", views.DeviceListCreateView.as_view(), name="device-list"),
    path("cti/", views.CtiWebhookView.as_view(), name="cti-webhook"),
    path("status/", views.DeskStatusView.as_view(), name="desk-status"),
    path("pause/", views.PauseView.as_view(), name="pause"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
]

report_urlpatterns = [
    path("kpis/", reports.KpiSummaryView.as_view(), name="report-kpis"),
    path("kpis/series/", reports.KpiSeriesView.as_view(), name="report-kpi-series"),
]

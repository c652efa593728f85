"""Knowledge-base routes under /api/v1/knowledge/."""

from __future__ import annotations

from django.urls import path

from knowledge.api import views
from knowledge.api.search import KnowledgeSearchFeedbackView

urlpatterns = [
    path(
        "search/feedback",
        KnowledgeSearchFeedbackView.as_view(),
        name="knowledge-search-feedback",
    ),
    path("services/", views.ServiceListCreateView.as_view(), name="knowledge-service-list"),
    path("services/export.csv", views.ServiceCsvExportView.as_view(), name="knowledge-service-csv"),
    path(
        "services/import-csv/",
        views.ServiceCsvImportView.as_view(),
        name="knowledge-service-csv-import",
    ),
    path("services/<int:pk>/", views.ServiceDetailView.as_view(), name="knowledge-service-detail"),
    path(
        "services/<int:pk>/draft/", views.ServiceDraftView.as_view(), name="knowledge-service-draft"
    ),
    path(
        "services/<int:pk>/submit/",
        views.ServiceSubmitView.as_view(),
        name="knowledge-service-submit",
    ),
    path(
        "services/<int:pk>/approve/",
        views.ServiceApproveView.as_view(),
        name="knowledge-service-approve",
    ),
    path(
        "services/<int:pk>/reject/",
        views.ServiceRejectView.as_view(),
        name="knowledge-service-reject",
    ),
    path(
        "services/<int:pk>/publish/",
        views.ServicePublishView.as_view(),
        name="knowledge-service-publish",
    ),
    path(
        "services/<int:pk>/archive/",
        views.ServiceArchiveView.as_view(),
        name="knowledge-service-archive",
    ),
    path(
        "services/<int:pk>/restore/",
        views.ServiceRestoreView.as_view(),
        name="knowledge-service-restore",
    ),
    path(
        "services/<int:pk>/responsibilities/",
        views.ServiceResponsibilitiesView.as_view(),
        name="knowledge-service-responsibilities",
    ),
    path(
        "services/<int:pk>/versions/",
        views.ServiceVersionListView.as_view(),
        name="knowledge-service-versions",
    ),
    path(
        "services/<int:pk>/versions/<int:number>/",
        views.ServiceVersionDetailView.as_view(),
        name="knowledge-service-version",
    ),
    path("services/<int:pk>/diff/", views.ServiceDiffView.as_view(), name="knowledge-service-diff"),
    path(
        "services/<int:pk>/events/",
        views.ServiceEventListView.as_view(),
        name="knowledge-service-events",
    ),
    path("topics/", views.TopicListView.as_view(), name="knowledge-topic-list"),
]

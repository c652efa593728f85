from __future__ import annotations

from django.urls import path

from callcenter.directory.api import views

urlpatterns = [
    path("authorities/", views.AuthorityListView.as_view(), name="authority-list"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department-detail"),
]

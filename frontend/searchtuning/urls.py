from __future__ import annotations

from django.urls import path

from frontend.searchtuning import views

urlpatterns = [
    path("", views.overview, name="searchtuning"),
    path("synonyme/", views.synonym_add, name="searchtuning-synonym-add"),
    path("synonyme/<int:pk>/loeschen/", views.synonym_delete, name="searchtuning-synonym-delete"),
    path("luecken/<int:pk>/erledigt/", views.gap_dismiss, name="searchtuning-gap-dismiss"),
]

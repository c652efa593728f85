from __future__ import annotations

from django.urls import path

from frontend.desk import views

desk_patterns = (
    [
        path("", views.desk, name="index"),
        path("artikel/<int:pk>/", views.desk_article, name="article"),
        path("ticket/neu/", views.ticket_new, name="ticket_new"),
        path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    ],
    "desk",
)

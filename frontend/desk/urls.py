from __future__ import annotations

from django.urls import path

from frontend.desk import ticket_page, views

desk_patterns = (
    [
        path("", views.desk, name="index"),
        path("artikel/<int:pk>/", views.desk_article, name="article"),
        path("ticket/neu/", views.ticket_new, name="ticket_new"),
        path("tickets/<int:pk>/", ticket_page.ticket_detail, name="ticket"),
        path("tickets/<int:pk>/<slug:action>/", ticket_page.ticket_action, name="ticket_action"),
    ],
    "desk",
)

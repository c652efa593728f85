from __future__ import annotations

from django.urls import path

from frontend.inbox import views

inbox_patterns = (
    [
        path("", views.inbox, name="index"),
        path("liste/", views.inbox_list, name="list"),
        path("<int:pk>/", views.ticket_page, name="ticket"),
        path("anhang/<int:pk>/", views.attachment_download, name="attachment"),
        path("<int:pk>/<slug:action>/", views.ticket_action, name="action"),
    ],
    "inbox",
)

from __future__ import annotations

from django.urls import path

from frontend.administration import views, views_replies

administration_patterns = (
    [
        path("", views.index, name="index"),
        path("benutzer/", views.users, name="users"),
        path("benutzer/neu/", views.user_new, name="user_new"),
        path("benutzer/<int:pk>/", views.user_edit, name="user"),
        path("fachbereiche/", views.departments, name="departments"),
        path("fachbereiche/<int:pk>/", views.department_page, name="department"),
        path(
            "fachbereiche/<int:pk>/mitglieder/",
            views.department_member_add,
            name="department_member_add",
        ),
        path(
            "fachbereiche/<int:pk>/mitglieder/<int:user_pk>/entfernen/",
            views.department_member_remove,
            name="department_member_remove",
        ),
        path(
            "fachbereiche/<int:pk>/kalender/", views.department_calendar, name="department_calendar"
        ),
        path(
            "fachbereiche/<int:pk>/kalender/neu/",
            views.department_calendar_new,
            name="department_calendar_new",
        ),
        path(
            "fachbereiche/<int:pk>/schliesstage/",
            views.department_closure_add,
            name="department_closure_add",
        ),
        path(
            "fachbereiche/<int:pk>/schliesstage/<int:day_pk>/entfernen/",
            views.department_closure_remove,
            name="department_closure_remove",
        ),
        path("textbausteine/", views_replies.reply_templates, name="templates"),
        path("textbausteine/<int:pk>/", views_replies.reply_template_edit, name="template"),
        path(
            "textbausteine/<int:pk>/loeschen/",
            views_replies.reply_template_delete,
            name="template_delete",
        ),
        path("telefone/", views.phones, name="phones"),
        path("telefone/<int:pk>/entfernen/", views.phone_unmap, name="phone_unmap"),
    ],
    "verwaltung",
)

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontend import views
from frontend.account.urls import account_patterns
from frontend.administration.urls import administration_patterns
from frontend.audit.urls import audit_patterns
from frontend.desk.urls import desk_patterns
from frontend.inbox.urls import inbox_patterns
from frontend.knowledge.urls import article_patterns, editor_patterns
from frontend.reports.urls import report_patterns
from frontend.tickets.urls import ticket_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    *account_patterns,
    path("redaktion/suche/", include("frontend.searchtuning.urls")),
    path("redaktion/", include(editor_patterns)),
    path("wissen/", include(article_patterns)),
    path("desk/", include(desk_patterns)),
    path("posteingang/", include(inbox_patterns)),
    path("tickets/", include(ticket_patterns)),
    path("verwaltung/", include(administration_patterns)),
    path("protokoll/", include(audit_patterns)),
    path("", include(report_patterns)),
]

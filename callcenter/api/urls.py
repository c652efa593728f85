from __future__ import annotations

from django.urls import include, path, re_path

from callcenter.api import views
from knowledge.api.search import KnowledgeSearchView
from telephony.api.urls import call_urlpatterns, report_urlpatterns, telephony_urlpatterns
from telephony.api.views import ZammadCtiWebhookView

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("auth/", include("callcenter.accounts.api.urls")),
    path("audit/", include("callcenter.audit.api.urls")),
    path("organisation/", include("callcenter.directory.api.urls")),
    path("tickets/", include("tickets.api.urls")),
    path("knowledge/search", KnowledgeSearchView.as_view(), name="knowledge-search"),
    path("knowledge/", include("knowledge.api.urls")),
    path("calls/", include(call_urlpatterns)),
    path("telephony/", include(telephony_urlpatterns)),
    path("reports/", include(report_urlpatterns)),
    # Zammad's generic CTI URL, token in the path: a PBX set up for Zammad only changes host.
    re_path(r"^cti/(?P<token>[^/]+)/?$", ZammadCtiWebhookView.as_view(), name="cti-zammad"),
]

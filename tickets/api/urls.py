from __future__ import annotations

from django.urls import URLPattern, path, re_path

from tickets.api import views

ACTIONS = {
    "escalate": views.EscalateView,
    "take": views.TakeView,
    "assign": views.AssignView,
    "respond": views.RespondView,
    "forward": views.ForwardView,
    "return": views.ReturnView,
    "reescalate": views.ReescalateView,
    "close": views.CloseView,
    "reopen": views.ReopenView,
    "forward-to-participant": views.ForwardToParticipantView,
    "notes": views.NotesView,
}

urlpatterns: list[URLPattern] = [
    path("", views.TicketListCreateView.as_view(), name="ticket-list"),
    path("caller-history/", views.CallerHistoryView.as_view(), name="ticket-caller-history"),
    path("search/", views.TicketSearchView.as_view(), name="ticket-search"),
    path("views/<slug:view>/", views.TicketViewListView.as_view(), name="ticket-view-list"),
    path("<int:pk>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    # Both /tickets/1/take and /tickets/1/take/: a POST cannot be redirected to add the slash.
    *(
        re_path(rf"^(?P<pk>\d+)/{name}/?$", view.as_view(), name=f"ticket-{name}")
        for name, view in ACTIONS.items()
    ),
]

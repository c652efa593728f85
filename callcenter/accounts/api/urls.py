from __future__ import annotations

from django.urls import path

from callcenter.accounts.api import views

urlpatterns = [
    path("token/", views.TokenLoginView.as_view(), name="auth-token"),
    path("tokens/", views.TokenListView.as_view(), name="auth-tokens"),
    path("tokens/<int:token_id>/", views.TokenDetailView.as_view(), name="auth-token-detail"),
    path("users/<int:user_id>/tokens/", views.UserTokenListView.as_view(), name="auth-user-tokens"),
    path(
        "users/<int:user_id>/logout-everywhere/",
        views.UserLogoutEverywhereView.as_view(),
        name="auth-user-logout-everywhere",
    ),
]

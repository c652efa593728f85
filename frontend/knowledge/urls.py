from __future__ import annotations

from django.urls import path

from frontend.knowledge import views_article, views_editor

editor_patterns = (
    [
        path("", views_editor.service_list, name="list"),
        path("pruefung-faellig/", views_editor.review_queue, name="review_queue"),
        path("neu/", views_editor.service_create, name="create"),
        path("neu/vorschau/", views_editor.service_preview, name="preview_new"),
        path("<int:pk>/", views_editor.service_edit, name="edit"),
        path("<int:pk>/vorschau/", views_editor.service_preview, name="preview"),
        path("<int:pk>/aktion/<slug:action>/", views_editor.service_action, name="action"),
        path(
            "<int:pk>/zustaendigkeit/",
            views_editor.service_responsibilities,
            name="responsibilities",
        ),
        path("<int:pk>/versionen/", views_editor.service_history, name="history"),
        path(
            "<int:pk>/versionen/<int:number>/wiederherstellen/",
            views_editor.service_restore,
            name="restore",
        ),
    ],
    "kb_editor",
)

article_patterns = (
    [
        path("", views_article.article_index, name="index"),
        path("<int:pk>/", views_article.article, name="article"),
    ],
    "kb",
)

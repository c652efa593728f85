"""What editors add to the search and what the search learns: synonyms and content gaps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class SearchSynonym(models.Model):
    """Words callers use (``terms``) and what they mean in the catalogue (``expansions``).

    Added by editors on top of the thesaurus shipped with the project; every search process
    picks changes up within a minute.
    """

    terms = models.CharField(
        _("words callers use"), max_length=255, help_text=_("Comma-separated, e.g. 'Perso, Persi'.")
    )
    expansions = models.CharField(
        _("meaning in the catalogue"),
        max_length=255,
        help_text=_("Comma-separated, e.g. 'Personalausweis'."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return f"{self.terms} → {self.expansions}"

    def pair(self) -> tuple[list[str], list[str]]:
        return _split(self.terms), _split(self.expansions)


class SearchGap(models.Model):
    """A search that found nothing, or whose results nobody used: the query text only.

    Never caller data, never the agent: editors see what was asked and how often.
    """

    class Kind(models.TextChoices):
        NO_RESULTS = "no_results", _("found nothing")
        IGNORED = "ignored", _("results not used")

    query = models.CharField(_("query"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NO_RESULTS)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        ordering = ["-occurrences", "-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["query", "kind"], name="knowledge_searchgap_query_kind")
        ]
        verbose_name = _("content gap")
        verbose_name_plural = _("content gaps")

    def __str__(self) -> str:
        return f"{self.query} ({self.occurrences})"


class SearchUse(models.Model):
    """How often agents used a service after searching for something like ``query_key``.

    ``query_key`` is the query's meaning as index terms (sorted, space-separated; see
    ``SearchIndex.query_terms``), never the typed text. Counted per day so that old habits
    fall out of the window; no agent, no caller, no call.
    """

    query_key = models.CharField(_("query terms"), max_length=200)
    service = models.ForeignKey(
        "knowledge.Service", on_delete=models.CASCADE, related_name="search_uses"
    )
    day = models.DateField(_("day"), db_index=True)
    uses = models.PositiveIntegerField(_("uses"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["query_key", "service", "day"], name="knowledge_searchuse_key_service_day"
            )
        ]
        verbose_name = _("search use")
        verbose_name_plural = _("search uses")

    def __str__(self) -> str:
        return f"{self.query_key} → {self.service_id} ({self.uses})"

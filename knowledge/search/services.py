"""Writes of the search: editors' tuning (synonyms, dismissed gaps) and index refreshes.

The index is derived data: editorial services enqueue its refresh once their transaction
has committed (``search_refresh_on_commit``); the Celery tasks in ``tasks.py`` write it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from knowledge.audit import knowledge_event_record
from knowledge.exceptions import InvalidContent, MissingCapability
from knowledge.models import SearchGap, SearchSynonym
from knowledge.search.index import synonyms_changed
from knowledge.search.tasks import rebuild_search_index, refresh_search_document


def search_refresh_on_commit(service_id: int) -> None:
    """Enqueue the search-index update once the transaction has committed.

    The index is derived data: a failure to enqueue is logged (robust) rather than undoing the
    editorial change; ``manage.py rebuild_search_index`` repairs the index.
    """
    transaction.on_commit(lambda: refresh_search_document.delay(service_id), robust=True)


def search_rebuild_on_commit() -> None:
    transaction.on_commit(lambda: rebuild_search_index.delay(), robust=True)


def _require_editor(actor: User) -> None:
    if not has_capability(actor, Capability.EDIT_KNOWLEDGE):
        raise MissingCapability(_("Only knowledge editors tune the search."))


def _synonyms_changed_on_commit() -> None:
    # This process applies the change at once; the others within SYNONYM_REFRESH_SECONDS.
    transaction.on_commit(synonyms_changed, robust=True)


@transaction.atomic
def search_gap_dismiss(*, gap: SearchGap, actor: User) -> None:
    _require_editor(actor)
    knowledge_event_record(
        code="knowledge.search.gap_dismissed",
        actor=actor,
        data={"query": gap.query, "occurrences": gap.occurrences},
    )
    gap.delete()


@transaction.atomic
def search_synonym_add(*, terms: str, expansions: str, actor: User) -> SearchSynonym:
    _require_editor(actor)
    synonym = SearchSynonym(terms=terms.strip(), expansions=expansions.strip(), created_by=actor)
    words, meanings = synonym.pair()
    if not words or not meanings:
        raise InvalidContent.for_field("terms", _("Enter at least one word and one meaning."))
    synonym.save()
    knowledge_event_record(
        code="knowledge.search.synonym_added",
        actor=actor,
        data={"terms": words, "expansions": meanings},
    )
    _synonyms_changed_on_commit()
    return synonym


@transaction.atomic
def search_synonym_delete(*, synonym: SearchSynonym, actor: User) -> None:
    _require_editor(actor)
    knowledge_event_record(
        code="knowledge.search.synonym_deleted",
        actor=actor,
        data={"terms": synonym.terms, "expansions": synonym.expansions},
    )
    synonym.delete()
    _synonyms_changed_on_commit()

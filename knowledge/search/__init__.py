"""The knowledge-base search.

``engine/`` is the search engine proper and knows nothing of Django: ``store.py`` (the only
module that imports Whoosh) keeps the index generations, ``planner.py`` turns a query into
weighted alternatives per word, ``scoring.py`` ranks them, ``snippets.py`` highlights, and
``search_index.py`` (``SearchIndex``, exported by the package) puts them together.
``weights.py`` holds every tuning constant; ``analysis.py`` and ``thesaurus.py`` the German
text analysis, with their word lists as data files in ``knowledge/data/``.

The Django side depends on the engine, never the reverse: ``index.py`` (documents from the
database, the process's index handle and synonyms), ``selectors.py`` (``knowledge_search``,
the search every caller shares), ``usage.py`` (learning from use), ``gaps.py`` (content
gaps), ``services.py`` (editors' writes, index refresh on commit) and ``tasks.py`` (the
Celery tasks that write the index).
"""

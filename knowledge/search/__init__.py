"""The knowledge-base search.

``engine/`` is the search engine proper and knows nothing of Django: ``engine/store.py`` (the
only module that imports Whoosh) keeps the index generations, the planner turns a query into
weighted alternatives, ``engine/scoring.py`` ranks them, ``engine/snippets.py`` highlights.
``weights.py`` holds every tuning constant; ``analysis.py`` and ``thesaurus.py`` the German
text analysis, with their word lists as data files in ``knowledge/data/``.

The Django side depends on the engine, never the reverse: ``index.py`` (documents from the
database, the process's index handle, the shared search), ``usage.py`` (learning from use),
``gaps.py`` (content gaps), ``services.py`` (editors' writes, index refresh on commit) and
``tasks.py`` (the Celery tasks that write the index).
"""

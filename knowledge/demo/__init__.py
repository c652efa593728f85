"""Demo content of the knowledge base (``is_demo=True``)."""

from __future__ import annotations

from knowledge.demo.loader import knowledge_demo_load

__all__ = ["knowledge_demo_load"]

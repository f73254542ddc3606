"""The FAQ: a knowledge base of the whole manual and the retrieval that answers from it.

``KnowledgeBase.load()`` reads ``dialogs/knowledge/*.yaml``; ``kb.ask(question, lang=None, k=3)``
returns the ``/api/faq`` response of ``chat-api.md``.  See :mod:`dialogs.faq.retrieval`.
"""

from .kb import Entry, KnowledgeError, load_entries
from .retrieval import FaqResponse, KnowledgeBase

__all__ = ["Entry", "FaqResponse", "KnowledgeBase", "KnowledgeError", "load_entries"]

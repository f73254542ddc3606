"""Language understanding for the dialog engine: which intent a message expresses, which entities it holds.

>>> from dialogs.nlu import NLU
>>> p = NLU.load().parse("房本是深房地字第3000123456號，想賣300萬")
>>> p.intent is None or isinstance(p.intent, str), [(e.type, e.value) for e in p.entities]
(True, [('cert_number', '深房地字第3000123456号'), ('amount', 3000000)])

* :class:`NLU` — ``NLU.load()`` reads ``data/intents.yaml`` and ``data/commands.yaml``
  and trains; ``nlu.parse(text, today=…)`` returns a :class:`Parse`.
* :class:`Parse`, :class:`Entity` — frozen pydantic models.
* :func:`normalize_text` — Traditional → Simplified, full → half width, lower case, single spaces.
* :func:`detect_language` — ``"zh-Hant"`` / ``"zh"`` / ``"en"`` / None, to answer in the person's script.
* ``python -m dialogs.nlu eval`` scores the held-out split; ``python -m dialogs.nlu parse TEXT``.
"""

from __future__ import annotations

from .models import Entity, Parse
from .nlu import CONFIDENCE_THRESHOLD, NLU
from .normalize import detect_language, normalize_text

__all__ = ["CONFIDENCE_THRESHOLD", "NLU", "Entity", "Parse", "detect_language", "normalize_text"]

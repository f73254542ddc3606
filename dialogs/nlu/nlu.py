"""The NLU: one call, :meth:`NLU.parse`, from a message to its intent, entities and command.

>>> nlu = NLU.load()
>>> p = nlu.parse("我要賣房，從哪開始？", today=datetime.date(2026, 1, 15))
>>> p.intent, p.normalized
('start', '我要卖房,从哪开始?')
>>> nlu.parse("返回。").command
'back'
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .classifier import IntentModel, train, train_cached
from .commands import CommandTable
from .data import DATA_DIR, load_commands, load_intents
from .entities import extract_entities
from .models import Entity, Parse
from .normalize import normalize_text
from .words import WORDS_FILE, Words

log = logging.getLogger(__name__)

#: Under this probability the best intent is not trusted: ``Parse.intent`` is None.
#: Tuned on the held-out split (``python -m dialogs.nlu eval`` prints the sweep).
CONFIDENCE_THRESHOLD = 0.45
#: Parses kept per NLU (identical texts are common: "是", "好的", "返回").
CACHE_SIZE = 4096
#: Longer texts are parsed but not cached.
_CACHE_MAX_CHARS = 2000
_TOP = 3
#: Confidence given to affirm / deny when the whole message is a yes/no answer.
ANSWER_CONFIDENCE = 0.9
# What may stand around a yes/no word in a message that is only an answer.
_ANSWER_FILLER = re.compile(r"[\s,.!?;:，。！？；：、~～…'\"“”()（）啊呀吧的了哦噢嘛啦呢哈嗯我]+")
_ANSWER_TAILS = frozenset({"please", "thanks", "thankyou", "本人", "itis", "itisnt", "iam", "im", "sir"})


def training_examples(
    intents: Mapping[str, Sequence[str]], commands: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Normalised training texts per intent: the intents' examples plus the command phrases."""
    out: dict[str, list[str]] = {}
    for name, items in intents.items():
        out.setdefault(name, []).extend(normalize_text(t) for t in items)
    for name, items in commands.items():
        out.setdefault(name, []).extend(normalize_text(t) for t in items)
    return {name: [t for t in items if t] for name, items in out.items() if any(items)}


class NLU:
    """Intent classifier, command table and entity extractors together.

    Build it with :meth:`load`; :meth:`parse` is thread-safe (the cache is an
    ``lru_cache``) and never raises for a ``str``.
    """

    def __init__(
        self,
        model: IntentModel,
        commands: CommandTable,
        *,
        threshold: float = CONFIDENCE_THRESHOLD,
        words: Words | None = None,
    ) -> None:
        self.model = model
        self.commands = commands
        self.words = words if words is not None else Words.load()  # retry, language names
        self.threshold = threshold
        self._cached = lru_cache(maxsize=CACHE_SIZE)(self._parse)

    @classmethod
    def from_examples(
        cls, intents: Mapping[str, Sequence[str]], commands: Mapping[str, Sequence[str]]
    ) -> NLU:
        """Train on in-memory examples (no disk cache): for the evaluation and tests."""
        return cls(train(training_examples(intents, commands)), CommandTable(commands))

    @classmethod
    def load(cls, path: str | Path | None = None, *, use_cache: bool = True) -> NLU:
        """Read ``intents.yaml`` and ``commands.yaml`` from ``path`` (default: the package's data) and train.

        The fitted model is cached on disk (see :mod:`dialogs.nlu.classifier`);
        ``use_cache=False`` always trains.
        """
        folder = Path(path) if path is not None else DATA_DIR
        intents = load_intents(folder)
        commands = load_commands(folder)
        model = train_cached(training_examples(intents, commands), use_cache=use_cache)
        words = Words.load(folder) if (folder / WORDS_FILE).is_file() else None
        return cls(model, CommandTable(commands), words=words)

    @property
    def intents(self) -> tuple[str, ...]:
        """Every intent the classifier knows."""
        return self.model.classes

    def parse(self, text: str, *, today: datetime.date | None = None) -> Parse:
        """Understand one message.  Never raises for a ``str``; identical texts are cached.

        ``today`` anchors relative dates (明天, 3月1日 …); default: the real today.
        """
        if not isinstance(text, str):
            raise TypeError(f"NLU.parse expects a str, not {type(text).__name__}")
        day = today or datetime.date.today()
        try:
            if len(text) > _CACHE_MAX_CHARS:
                return self._parse(text, day)
            return self._cached(text, day)
        except Exception:  # a bug must not take the conversation down: understand nothing
            log.exception("NLU.parse failed on a %d-character text", len(text))
            try:
                normalized = normalize_text(text)
            except Exception:
                normalized = ""
            return Parse(text=text, normalized=normalized)

    def parse_strict(self, text: str, *, today: datetime.date | None = None) -> Parse:
        """:meth:`parse` without the cache and without the safety net (for tests and tools)."""
        return self._parse(text, today or datetime.date.today())

    def rank(self, normalized: str) -> list[tuple[str, float]]:
        """The classifier's full ranking of a normalised text."""
        return self.model.ranking(normalized)

    def _parse(self, text: str, today: datetime.date) -> Parse:
        normalized = normalize_text(text)
        entities: list[Entity] = extract_entities(text, today) if normalized else []
        command = self.commands.match(text, normalized=normalized) if normalized else None
        ranking = self.model.ranking(normalized, top=_TOP) if normalized else []
        act = None if command is not None else answer_act(text, entities)
        if command is not None:
            ranking = _promote(self.model.ranking(normalized), command, 1.0)
            intent: str | None = command
            confidence = 1.0
        elif act is not None and act in self.model.classes:
            full = self.model.ranking(normalized)
            confidence = max(ANSWER_CONFIDENCE, dict(full).get(act, 0.0))
            ranking = _promote(full, act, confidence)
            intent = act
        elif ranking:
            best, confidence = ranking[0]
            intent = best if confidence >= self.threshold else None
        else:
            intent, confidence = None, 0.0
        return Parse(
            text=text,
            normalized=normalized,
            intent=intent,
            confidence=min(1.0, max(0.0, confidence)),
            ranking=ranking,
            entities=entities,
            command=command,
        )


def _promote(ranking: Sequence[tuple[str, float]], intent: str, confidence: float) -> list[tuple[str, float]]:
    """The top of ``ranking`` with ``intent`` first at ``confidence``, the others scaled to sum to the rest.

    >>> [(name, round(p, 3)) for name, p in _promote([("a", 0.5), ("b", 0.3), ("c", 0.2)], "b", 0.9)]
    [('b', 0.9), ('a', 0.071), ('c', 0.029)]
    """
    before = dict(ranking).get(intent, 0.0)
    scale = (1.0 - confidence) / (1.0 - before) if before < 1.0 else 0.0
    others = [(name, p * scale) for name, p in ranking if name != intent]
    return [(intent, confidence), *others][:_TOP]


def answer_act(text: str, entities: Sequence[Entity]) -> str | None:
    """``affirm`` / ``deny`` when ``text`` is nothing but a yes/no answer (是的 / 不用了 / nope, please).

    >>> from dialogs.nlu.entities import find_yes_no
    >>> answer_act("不用了。", find_yes_no("不用了。")), answer_act("好的好的", find_yes_no("好的好的"))
    ('deny', 'affirm')
    >>> answer_act("是的，我是业主本人", find_yes_no("是的，我是业主本人")) is None
    True
    """
    for entity in entities:
        if entity.type != "yes_no":
            continue
        rest = normalize_text(text[: entity.start] + " " + text[entity.end :])
        rest = _ANSWER_FILLER.sub("", rest)
        if len(rest) <= 1 or rest in _ANSWER_TAILS:
            return "affirm" if entity.value is True else "deny"
    return None

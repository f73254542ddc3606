"""What understanding returns: :class:`Parse` (one message) and :class:`Entity` (one value in it).

Both are frozen pydantic models; the dialog engine reads them and never builds them.

>>> e = Entity(type="mobile", value="13800138000", raw="138 0013 8000", start=3, end=16)
>>> e.extra
{}
>>> Parse(text="hi", normalized="hi", intent="greet", confidence=0.9).ranking
[]
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

EntityValue = str | int | float | bool


class Entity(BaseModel):
    """One value found in a message.

    ``start``/``end`` are offsets in the ORIGINAL text (``text[start:end] == raw``);
    ``value`` is normalised (an int of yuan for ``amount``, ``True``/``False`` for
    ``yes_no``, an ISO date string for ``date`` …); ``extra`` holds string details
    (``doc_type``, ``cert_type``, ``valid``, ``grain``, ``percent``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    value: EntityValue
    raw: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    extra: dict[str, str] = Field(default_factory=dict)


class Parse(BaseModel):
    """The understanding of one message.

    ``intent`` is ``None`` when the best intent's ``confidence`` is below the
    threshold; ``ranking`` holds the best three ``(intent, confidence)`` pairs
    whatever the threshold; ``command`` is set only when the whole message is a
    global command phrase (then ``intent`` is that command, confidence 1.0).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    normalized: str
    intent: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    ranking: list[tuple[str, float]] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    command: str | None = None

    def first(self, entity_type: str) -> Entity | None:
        """The first entity of ``entity_type``, or ``None``.

        >>> Parse(text="x", normalized="x").first("amount") is None
        True
        """
        for entity in self.entities:
            if entity.type == entity_type:
                return entity
        return None

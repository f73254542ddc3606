"""Walk any flow to its end with valid sample answers (for the benchmark and smoke tests).

It reads the current step's definition to pick an answer a careful person would
give: the first visible choice (or a chosen one), a valid number of the document
type the step validates against, a sane amount, a future date, and so on.
"""

from __future__ import annotations

import random
from typing import Any

from .engine import Assistant, Turn
from .render import evaluate

SAMPLE_IDS: dict[str, str] = {
    "resident_id": "11010519491231002X",
    "officer_id": "南字第20240001号",
    "hk_macau_permit": "H12345678",
    "taiwan_permit": "12345678",
    "passport": "E12345678",
    "hk_id": "A123456(3)",
    "macau_id": "1234567(8)",
    "hkmt_residence_permit": "810000199001011230",
    "foreign_permanent_id": "ABC123456789012",
    "uscc": "91110000600037341L",
    "mobile": "13800138000",
}
SAMPLE_CERTS = {"realty_cert": "深房地字第3000123456号", "property_cert": "粤(2020)深圳市不动产权第0123456号"}
BY_TYPE = {
    "yes_no": "是",
    "text": "好的",
    "name": "陈大文",
    "mobile": "13800138000",
    "amount": "300万",
    "date": "2027年3月1日",
    "share": "50%",
    "int": "4",
}


def answer_for(
    assistant: Assistant, session_id: str, rng: random.Random | None = None, visit: int = 1
) -> dict[str, str] | None:
    """What to send for the current question: ``{"text": …}`` or ``{"payload": …}``; None if no question.

    ``visit`` counts how often this step was asked in this flow: a loop ("还有其他买方吗？")
    gets a different answer the second time, so every flow ends.
    """
    state = assistant.state_of(session_id)
    if state["flow"] is None or state["step"] is None:
        return None
    step = assistant.flows[state["flow"]].step(state["step"])
    ask = step.ask
    if ask is None:
        return {"payload": "/next"}
    context: dict[str, Any] = {
        **state["results"],
        **state["slots"],
        "slots": state["slots"],
        "lang": state["lang"],
    }
    if ask.type == "choice":
        visible = [c for c in ask.choices if c.when is None or evaluate(c.when, context)]
        choice = visible[-1] if visit > 1 else rng.choice(visible) if rng else visible[0]
        value = choice.value
        return {"payload": str(value).lower() if isinstance(value, bool) else str(value)}
    if ask.type == "yes_no":
        if visit > 1:
            return {"payload": "no"}
        if rng is not None:
            return {"payload": rng.choice(["yes", "no"])}
    if ask.type in ("id_number", "cert_number"):
        doc = None
        if ask.validate_ is not None:
            field = "doc_type" if ask.type == "id_number" else "cert_type"
            expr = ask.validate_.input.get(field)
            doc = evaluate(expr, context) if expr else None
        if ask.type == "cert_number":
            return {"text": SAMPLE_CERTS.get(str(doc), SAMPLE_CERTS["property_cert"])}
        return {"text": SAMPLE_IDS.get(str(doc), SAMPLE_IDS["resident_id"])}
    if ask.type == "amount" and ask.min is not None and ask.min > 3_000_000:
        return {"text": str(int(ask.min))}
    if ask.type == "int":
        low = int(ask.min) if ask.min is not None else 0
        high = int(ask.max) if ask.max is not None else low + 10
        return {
            "text": str(high if low <= 4 <= high and high >= 4 else low) if not (low <= 4 <= high) else "4"
        }
    return {"text": BY_TYPE.get(ask.type, "好的")}


def complete_flow(
    assistant: Assistant,
    session_id: str,
    flow_id: str,
    *,
    rng: random.Random | None = None,
    max_turns: int = 80,
) -> list[Turn]:
    """Start ``flow_id`` and answer until it ends; the turns taken."""
    turns = [assistant.handle(session_id, payload=f"/flow {flow_id}")]
    visits: dict[str | None, int] = {}
    for _ in range(max_turns):
        if turns[-1].state.flow != flow_id:
            return turns
        step = turns[-1].state.step
        visits[step] = visits.get(step, 0) + 1
        request = answer_for(assistant, session_id, rng, visits[step])
        if request is None:
            return turns
        turns.append(assistant.handle(session_id, **request))
    raise RuntimeError(f"{flow_id}: not finished after {max_turns} turns (stuck at {turns[-1].state.step})")

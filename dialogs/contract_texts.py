"""The contract's words: statuses, actions, roles and what a case still waits for, in zh, zh-Hant, en.

One vocabulary (``contract_texts.yaml``, loaded once) for the two places that speak of a
contract: the hotline's case lookup (``bot/cases.py``: a status's ``desk`` text, the actions,
the roles, the ``missing`` templates) and the platform's notices to the parties
(``bot/notices.py``: a status's ``notice`` text, the ``events``, ``other_signed``).
zh-Hant is derived from zh (:func:`dialogs.i18n.to_traditional`) unless the file gives it.

>>> texts = contract_texts()
>>> texts.statuses["filed"].desk.get("zh"), texts.statuses["filed"].notice.get("en")
('已备案', 'the contract has been filed (备案)')
>>> texts.roles["buyer"].get("zh-Hant"), texts.actions["generate"].get("fr")
('買方', '生成合同示范文本')
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import yamlio
from .i18n import to_traditional

PATH = Path(__file__).with_name("contract_texts.yaml")


class Texts(BaseModel):
    """One text in the three languages."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    zh: str = Field(min_length=1)
    zh_hant: str = Field(min_length=1, alias="zh-Hant")
    en: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _derive_hant(cls, data: Any) -> Any:
        if isinstance(data, dict) and "zh-Hant" not in data and "zh_hant" not in data:
            if isinstance(data.get("zh"), str):
                return {**data, "zh-Hant": to_traditional(data["zh"])}
        return data

    def get(self, lang: str) -> str:
        """The text in ``lang`` (zh for anything unknown)."""
        if lang == "en":
            return self.en
        if lang == "zh-Hant":
            return self.zh_hant
        return self.zh


class StatusTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    desk: Texts  # the hotline desk's status line
    notice: Texts  # what a party reads when the contract reaches the status
    waiting: Texts | None = None  # what the case waits for in this status (rules.progress.WAITING)


class ContractTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    statuses: dict[str, StatusTexts]
    actions: dict[str, Texts]
    office_actions: dict[str, Texts]
    roles: dict[str, Texts]
    events: dict[str, Texts]
    other_signed: Texts
    notice_prefix: Texts  # {cid}: the contract id
    sms_prefix: Texts
    missing: dict[str, Texts]

    def action(self, role: str, code: str, lang: str = "zh") -> str:
        """An action's text for ``role`` (the back office has its own); the code itself when unknown."""
        table = self.office_actions if role == "back_office" else self.actions
        found = table.get(code)
        return found.get(lang) if found else code

    def role(self, code: str, lang: str = "zh") -> str:
        found = self.roles.get(code)
        return found.get(lang) if found else code


def parse(data: Any) -> ContractTexts:
    return ContractTexts.model_validate(data)


@cache
def contract_texts() -> ContractTexts:
    """The vocabulary, read and checked once per process."""
    return parse(yamlio.load(PATH.read_text(encoding="utf-8")))

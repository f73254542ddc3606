"""dialogs/contract_texts.yaml: one vocabulary of the contract's statuses, actions and roles."""

from __future__ import annotations

import string
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from dialogs import yamlio
from dialogs.contract_texts import PATH, ContractTexts, Texts, contract_texts, parse
from rules.lifecycle import EVENTS, STATUSES
from rules.progress import CASE_ROLES, MISSING_CODES, OFFICE_ACTIONS, PARTY_ACTIONS, WAITING
from signing.platform import BACK_OFFICE_ACTIONS, EVENT_ACTIONS

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("zh", "zh-Hant", "en")


def every_text(texts: ContractTexts) -> list[Texts]:
    out = [texts.other_signed, texts.notice_prefix, texts.sms_prefix]
    for s in texts.statuses.values():
        out += [s.desk, s.notice] + ([s.waiting] if s.waiting else [])
    for table in (texts.actions, texts.office_actions, texts.roles, texts.events, texts.missing):
        out += table.values()
    return out


def test_every_status_has_its_desk_and_notice_texts_and_waiting_ones_say_what_for() -> None:
    texts = contract_texts()
    assert set(texts.statuses) == set(STATUSES)
    for status in STATUSES:
        assert (texts.statuses[status].waiting is not None) == (status in WAITING), status


def test_every_action_role_and_missing_code_has_its_texts() -> None:
    texts = contract_texts()
    assert set(texts.actions) == set(PARTY_ACTIONS)
    assert set(texts.office_actions) == set(OFFICE_ACTIONS)
    assert set(texts.roles) == set(CASE_ROLES)
    assert set(texts.missing) == {*MISSING_CODES, "cancel_materials_unknown"}
    # the platform's own action codes (its `next`) are all in the vocabulary
    assert set(EVENT_ACTIONS.values()) <= set(PARTY_ACTIONS)
    assert set(BACK_OFFICE_ACTIONS.values()) <= set(OFFICE_ACTIONS)
    assert set(texts.events) <= set(EVENTS)


def test_every_text_is_in_three_languages_and_templates_use_known_fields() -> None:
    texts = contract_texts()
    for t in every_text(texts):
        for lang in LANGS:
            assert t.get(lang).strip(), t
        english = t.en.replace("i深圳", "").replace("(备案)", "")  # the names kept in Chinese
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), t.en
    fields = {"status", "action", "role", "name", "section"}
    for code, t in texts.missing.items():
        for lang in LANGS:
            used = {f for _, f, _, _ in string.Formatter().parse(t.get(lang)) if f}
            assert used <= fields, (code, lang, used)


def test_traditional_is_derived_unless_given() -> None:
    assert contract_texts().roles["seller"].get("zh-Hant") == "賣方"
    assert contract_texts().office_actions["filing"].get("zh-Hant") == "審核合同備案"
    # given: the notices keep their own wording
    assert contract_texts().statuses["draft"].notice.get("zh-Hant") == "合同已建立（草稿）"
    with pytest.raises(ValueError):
        parse({**yamlio.load(PATH.read_text(encoding="utf-8")), "stray": {}})


def test_the_callers_keep_their_wording() -> None:
    texts = contract_texts()
    assert texts.statuses["filed"].desk.get("zh") == "已备案"
    assert texts.statuses["filed"].notice.get("zh") == "备案已通过"
    assert texts.statuses["draft"].waiting is not None
    assert texts.statuses["draft"].waiting.get("zh") == "卖方生成合同示范文本（5.3.2 / 5.4.2）"
    assert texts.action("back_office", "qualification") == "审核购房资格"
    assert texts.action("buyer", "qualification") == "申请购房资格审查"
    assert texts.action("seller", "no-such-action") == "no-such-action"


def test_the_vocabulary_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    assert PATH.parent.name == "dialogs" and any(fnmatch(PATH.name, p) for p in patterns)

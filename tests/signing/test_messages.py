"""The mock's own texts live in signing/messages.yaml: every key used in signing/ is there, every key there is used."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from signing import messages as texts
from signing.models import ISZ_STEPS

SIGNING = Path(texts.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def _msg_keys() -> set[str]:
    """The keys of every ``msg(...)`` call in signing/*.py; each call names its key literally."""
    keys: set[str] = set()
    for path in SIGNING.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg":
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.name}:{node.lineno}: msg() takes its key as a string literal"
                )
                keys.add(first.value)
    return keys


def test_every_key_used_is_in_the_file_and_every_key_in_the_file_is_used() -> None:
    used = _msg_keys()
    assert used - set(texts.MESSAGES) == set(), "used in signing/ but missing from messages.yaml"
    assert set(texts.MESSAGES) - used == set(), "in messages.yaml but used nowhere"


def test_isz_step_names_cover_the_steps() -> None:
    assert list(texts.ISZ_STEP_NAMES) == list(ISZ_STEPS)


@pytest.mark.parametrize("module", ["platform.py", "app.py", "http.py"])
def test_no_user_facing_chinese_left_in_the_platform_code(module: str) -> None:
    """Chinese only in comments and docstrings of the mock's request code; its messages come from the file."""
    tree = ast.parse((SIGNING / module).read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and id(node) not in docstrings
    ]
    assert found == []


def test_texts_keep_their_wording() -> None:
    """The assistant and the tests compare some of these; moving them changed no character."""
    assert texts.msg("sms_login", code="123456", minutes=5) == (
        "【广东省统一身份认证平台】您的登录验证码为123456，5分钟内有效，请勿泄露。"
    )
    assert texts.msg("filing_stamp", year=2030, number=42) == "深房备（2030）第00000042号"
    assert texts.msg("materials_missing", count=texts.msg("all_parties")) == (
        "还有全部位当事人未上传注销材料：买方和卖方材料都上传后才能提交审核（手册8.2.7）。"
    )
    assert texts.msg("file_too_large", megabytes=10) == "文件超过10MB / the file is larger than 10 MB"
    assert texts.msg("login_required") == "须先登录：缺少 Authorization: Bearer 令牌 / login required"

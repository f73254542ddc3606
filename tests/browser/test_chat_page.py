"""The chat page in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ServerProcess = Any  # the ``server`` fixture of tests/conftest.py
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def test_chat_page_end_to_end(server: ServerProcess, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 400, "height": 800}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + "/")
    # the page's own title says 办事助手 too: wait for the greeting itself
    page.locator(".msg.assistant").first.wait_for()
    assert "办事助手" in page.locator(".msg.assistant").first.inner_text()
    assert page.locator(".msg.assistant").count() == 1

    # tap a button (a chip) to start the title check
    page.get_by_role("button", name="房屋产权校验").click()
    page.get_by_text("房产在哪个区域", exact=False).wait_for()
    assert "第1步" in page.locator("#progress-text").inner_text()
    page.get_by_role("button", name="深圳市").click()
    page.get_by_role("button", name="不动产权证书").click()
    page.get_by_text("请输入产权证书编号", exact=False).wait_for()

    # an invalid number gets the rule's specific message
    page.get_by_label("输入消息").fill("深房地字第3000123456号")
    page.keyboard.press("Enter")
    page.get_by_text("这是房地产权证书的编号格式", exact=False).wait_for()
    assert "第3步" in page.locator("#progress-text").inner_text()
    count = page.locator(".msg").count()

    # a reload keeps the conversation
    page.reload()
    page.get_by_text("这是房地产权证书的编号格式", exact=False).wait_for()
    assert page.locator(".msg").count() == count
    assert page.locator(".msg.user").count() >= 3

    # switch to English: the page and the assistant follow
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="Send").wait_for()
    page.get_by_text("Please type the certificate number", exact=False).last.wait_for()
    # ESF_SAVE_SCREENSHOTS=1 refreshes the README's picture (docs/chat-page.png)
    shot = (
        ROOT / "docs" / "chat-page.png" if os.environ.get("ESF_SAVE_SCREENSHOTS") else tmp_path / "chat.png"
    )
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000

    # whatever the server sends is text, never HTML
    page.get_by_label("Your message").fill("<img src=x onerror=alert(1)><b>bold</b>")
    page.keyboard.press("Enter")
    page.locator(".msg.user", has_text="<b>bold</b>").wait_for()
    assert page.locator(".msg b").count() == 0 and page.locator(".msg img").count() == 0
    assert not errors, errors
    page.close()


def test_keyboard_only(server: ServerProcess, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.url + "/")
    page.locator(".chip").first.wait_for()
    page.get_by_label("输入消息").focus()
    page.keyboard.type("我想做房屋产权校验")
    page.keyboard.press("Enter")
    page.get_by_text("房产在哪个区域", exact=False).wait_for()
    chip = page.get_by_role("button", name="深汕合作区")
    chip.focus()
    page.keyboard.press("Enter")
    page.get_by_text("产权证书是哪一种", exact=False).wait_for()
    page.close()


def test_a_page_without_a_chosen_language_follows_the_person(server: ServerProcess, browser: Any) -> None:
    """Explore report E16: the page created every session with ``lang: "zh"``, so an English
    sentence got a Chinese answer.  Until the 简/繁/EN switch is used, no language is sent."""
    page = browser.new_page(locale="zh-CN")
    bodies: list[str] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(r.post_data or "")
            if r.url.endswith("/api/sessions") and r.method == "POST"
            else None
        ),
    )
    page.goto(server.url + "/")
    page.locator(".chip").first.wait_for()
    page.get_by_label("输入消息").fill("I want to do the title check")
    page.keyboard.press("Enter")
    page.get_by_text("Where is the property", exact=False).wait_for()
    assert bodies and all('"lang"' not in b for b in bodies), bodies
    page.close()

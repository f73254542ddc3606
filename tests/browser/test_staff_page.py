"""The staff page (/staff) in headless Chromium (Debian's package, driven by Playwright), with a citizen
on the chat page in another browser context: the reply reaches the citizen without a reload."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from storage.staff import StaffStore, hash_password

from .test_chat_page import ROOT, browser  # noqa: F401  (the browser fixture, shared)

ServerProcess = Any  # the ``server`` fixture of tests/conftest.py
PASSWORD = "desk-Secret-4242"
REPLY = "您好，我是12345的小王：公司卖房只能线下签署。"


def test_staff_page_end_to_end(server: ServerProcess, browser: Any, tmp_path: Path) -> None:  # noqa: F811
    staff = StaffStore(server.db)
    staff.add("wang", "agent", hash_password(PASSWORD))
    staff.close()
    errors: list[str] = []

    # a citizen on the chat page asks for a human
    citizen_ctx = browser.new_context(viewport={"width": 400, "height": 800}, locale="zh-CN")
    citizen = citizen_ctx.new_page()
    citizen.on("pageerror", lambda exc: errors.append(str(exc)))
    citizen.goto(server.url + "/")
    citizen.locator(".msg.assistant").first.wait_for()
    citizen.get_by_label("输入消息").fill("转人工")
    citizen.keyboard.press("Enter")
    citizen.get_by_text("排在第", exact=False).wait_for()
    session = citizen.evaluate("localStorage.getItem('esf-guide.session')")
    citizen.evaluate("window.__notReloaded = true")
    # the page listens to the event stream (polling only while it is not open)
    citizen.wait_for_function("source !== null && source.readyState === EventSource.OPEN")

    # the staff member signs in (keyboard only) and sees the conversation waiting
    desk_ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    desk_ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    desk = desk_ctx.new_page()
    desk.on("pageerror", lambda exc: errors.append(str(exc)))
    desk.goto(server.url + "/staff")
    desk.get_by_label("用户名").fill("wang")
    desk.get_by_label("密码").fill(PASSWORD)
    desk.keyboard.press("Enter")
    cookies = {c["name"]: c for c in desk_ctx.cookies()}
    entry = desk.locator(f'#queue button[data-session="{session}"]')
    entry.wait_for()
    cookies = {c["name"]: c for c in desk_ctx.cookies()}
    assert cookies["esf_staff"]["httpOnly"] and cookies["esf_staff"]["sameSite"] == "Strict"
    assert desk.evaluate("document.cookie") == ""  # scripts cannot read the token

    # open it, reply with Ctrl+Enter: the citizen's page shows it without a reload
    entry.focus()
    desk.keyboard.press("Enter")
    desk.locator("#transcript li.user", has_text="转人工").wait_for()
    assert desk.evaluate("document.activeElement.id") == "reply"
    desk.keyboard.type(REPLY)
    desk.keyboard.press("Control+Enter")
    desk.locator("#transcript li.staff", has_text=REPLY).wait_for()
    assert desk.get_by_role("button", name="已由我接手").is_disabled()
    citizen.locator(".msg.staff", has_text=REPLY).wait_for(timeout=10_000)
    assert citizen.evaluate("window.__notReloaded") is True

    # the situation panel: company seller, Hong Kong buyer, residential
    desk.get_by_label("类型").first.select_option("enterprise")
    desk.locator("#buyer-origin").select_option("hk")
    assert desk.get_by_label("房屋用途").input_value() == "residential"
    desk.locator(".sit-signing .reason", has_text="中国香港").wait_for()
    assert "只能线下签署" in desk.locator(".sit-signing").inner_text()
    assert desk.locator(".sit-signing .reason").count() == 2
    notarisation = desk.locator('.sit-steps li[data-code="foreign_notarization"]')
    assert notarisation.is_visible() and "5.4.5.1" in notarisation.inner_text()
    assert desk.locator('.sit-steps li[data-code="esign"]').count() == 0

    # the FAQ, and an answer copied as a text message
    desk.keyboard.press("Alt+3")
    assert desk.evaluate("document.activeElement.id") == "faq-q"
    desk.keyboard.type("公司的房子能线上签吗")
    desk.keyboard.press("Enter")
    first = desk.locator(".faq-answer").first
    first.wait_for()
    assert "手册" in first.locator(".sections").inner_text()
    first.get_by_role("button", name="复制为短信").click()
    first.get_by_text("已复制").wait_for()
    copied = desk.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("【12345】") and "用户操作手册" in copied

    # ESF_SAVE_SCREENSHOTS=1 refreshes the README's picture (docs/staff-page.png)
    shot = (
        ROOT / "docs" / "staff-page.png" if os.environ.get("ESF_SAVE_SCREENSHOTS") else tmp_path / "staff.png"
    )
    desk.set_viewport_size({"width": 1440, "height": 1500})
    desk.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000

    # hand back to the assistant, then sign out: the page asks for a sign-in again
    desk.get_by_role("button", name="结束人工，交回助手").click()
    desk.locator("#conv").wait_for(state="hidden")
    citizen.locator(".msg.assistant").last.wait_for()
    desk.get_by_role("button", name="退出登录").click()
    desk.get_by_text("已退出登录", exact=False).wait_for()
    desk.reload()
    desk.get_by_label("用户名").wait_for()
    assert desk.locator("#desk").is_hidden()
    assert not errors, errors
    desk_ctx.close()
    citizen_ctx.close()

"""Flows are data: every shipped flow loads; a broken one stops start-up naming file and line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from dialogs.flows import FlowError, load_flow, load_flows

CHAT_API_FLOWS = {
    "register_individual", "register_legal_person", "add_agent", "confirm_agent", "unbind_agent",
    "realname", "owner_agent_link", "login", "enter_system", "title_check", "contract",
    "generate_text", "qualification", "commitment", "esign", "filing", "offline_upload",
    "my_contracts", "cancel_unfiled", "cancel_filed", "start",
}  # fmt: skip

GOOD = """\
id: demo
title: {zh: 演示, en: Demo}
section: "5.2"
description: {zh: 演示流程, en: A demo}
steps:
  - id: region
    ask:
      slot: region
      type: choice
      prompt: {zh: 哪里？, en: "Where?"}
      choices:
        - {value: shenzhen, title: {zh: 深圳市, en: Shenzhen}}
  - id: done
    summary: {zh: "好：{{ region }}", en: "OK: {{ region }}"}
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_every_shipped_flow_loads() -> None:
    flows = load_flows()
    assert set(flows) >= {"title_check"}
    for flow in flows.values():
        assert flow.steps


def test_a_good_flow_loads(tmp_path: Path) -> None:
    flow = load_flow(write(tmp_path, GOOD))
    assert flow.id == "demo" and flow.slots() == {"region"}


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (("type: choice", "type: colour"), 9, "steps.0.ask.type"),
        (("      slot: region\n", ""), 8, "steps.0.ask.slot: Field required"),
        (('section: "5.2"', "section: chapter five"), 3, "section"),
        (
            ("  - id: done\n    summary:", "  - id: done\n    goto: nowhere\n    summary:"),
            None,
            "goto 'nowhere'",
        ),
        (('{{ region }}", en', '{{ region }", en'), 13, "template error"),
        (("id: demo", "id: other"), 1, "must equal the file name"),
        (("- {value: shenzhen", "- {value: shenzhen, colour: red"), 12, "Extra inputs are not permitted"),
        (('prompt: {zh: 哪里？, en: "Where?"}', "prompt: {zh: 哪里？, en: [Where\n"), None, "not valid YAML"),
    ],
)
def test_broken_flow_names_file_line_and_reason(
    tmp_path: Path, change: tuple[str, str], line: int | None, reason: str
) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    path = write(tmp_path, text)
    with pytest.raises(FlowError) as err:
        load_flow(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert reason in message
    if line is not None:
        assert message.startswith(f"{path}:{line}:"), message


def test_unknown_rule_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  - id: done\n",
        "  - id: check\n    decide: {rule: no_such_rule, input: {}, save_as: out}\n  - id: done\n",
    )
    with pytest.raises(FlowError, match="no rule named 'no_such_rule'"):
        load_flow(write(tmp_path, text))


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match="does not exist"):
        load_flows(tmp_path / "nowhere")


def test_no_text_line_loses_its_line_break() -> None:
    """Templates trim the newline after a block tag (trim_blocks): a line of text that ends in
    one (…{% endif %}) runs into the next, as "账号等级：3级· 平台证件" did. Such a line ends in
    ``+%}`` instead; lines made only of tags are logic and may lose theirs."""
    flows = Path(__file__).resolve().parents[2] / "dialogs" / "flows"
    ends_in_tag = re.compile(r"\{%-?[^%]*[^+]%\}\s*$")
    tag = re.compile(r"\{%.*?%\}")
    bad = []
    for path in sorted(flows.glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if not ends_in_tag.search(line) or not tag.sub("", line).strip():
                continue
            follows = lines[number] if number < len(lines) else ""
            indent = len(line) - len(line.lstrip())
            # only inside a block scalar: the next line is more text of the same template
            if (
                follows.strip()
                and len(follows) - len(follows.lstrip()) >= indent
                and not re.match(r"^\s*-?\s*[\w-]+:\s", line)  # a one-line YAML value ends with its line
            ):
                bad.append(f"{path.name}:{number}")
    assert bad == []

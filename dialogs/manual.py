"""The manual's own words: an index of its sections by heading number, built once at start-up.

The manual (``paths.manual``: a folder of ``.txt`` files read in name order, or one file) is
text extracted from a PDF: headings such as ``5.3.5.1  上传承诺书后，…`` stand on a line of their
own, among flowchart fragments, page headers and footers. A line counts as a heading when it
starts with a section number that moves forward from the last heading and hangs under it or
under one of its ancestors (so a numbered list item ``1. 权利人是…`` inside 5.2.2 is text, and
the misprinted ``5.2.2.1`` … ``5.2.2.5`` under 5.3.1 stay part of 5.3.1, the heading the
knowledge base cites for them). A section's text runs to the next heading, page furniture
and blank lines dropped.

>>> index = ManualIndex.parse(
...     "1. 用户注册\\n开始\\n1.1 个人注册\\n第一步\\n\\n\\n- 6 -\\n1.2 法人注册\\n扫码\\n"
...     "1. 清单项\\n2. 用户实名\\n核验"
... )
>>> index.sections()
['1', '1.1', '1.2', '2']
>>> index.get("1.2")
Section(number='1.2', title='法人注册', text='1.2 法人注册\\n扫码\\n1. 清单项')
>>> index.get("9") is None
True
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("esf.manual")

MAX_CHARS = 4000  # a section longer than this is cut (with "…"): an excerpt, not a reprint
_HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.*?)\s*$")
_FURNITURE = re.compile(r"^\s*(?:用户操作手册V\d[\d.]*|二手房自助交易系统|-\s*\d+\s*-|\d{1,3})\s*$")
SECTION_ID = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}$")


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    text: str


class ManualIndex:
    """Sections of the manual by number (``"5.3.5.1"``)."""

    def __init__(self, sections: dict[str, Section]) -> None:
        self._sections = sections

    @classmethod
    def parse(cls, text: str) -> ManualIndex:
        found: list[tuple[tuple[int, ...], str, list[str]]] = []
        last: tuple[int, ...] = ()
        for line in text.splitlines():
            match = _HEADING.match(line)
            if match:
                number = tuple(int(p) for p in match.group(1).split("."))
                parent = number[:-1]
                if number > last and last[: len(parent)] == parent:
                    found.append((number, match.group(2), [line.strip()]))
                    last = number
                    continue
            if found and line.strip() and not _FURNITURE.match(line):
                found[-1][2].append(line.strip())
        sections = {}
        for number, title, lines in found:
            key = ".".join(str(n) for n in number)
            body = "\n".join(lines)
            if len(body) > MAX_CHARS:
                body = body[:MAX_CHARS].rstrip() + "…"
            sections[key] = Section(key, title, body)
        return cls(sections)

    @classmethod
    def load(cls, path: Path) -> ManualIndex | None:
        """The index of the manual at ``path`` (folder or file); None when there is none."""
        if path.is_dir():
            files = sorted(path.glob("*.txt"))
        elif path.is_file():
            files = [path]
        else:
            files = []
        if not files:
            log.warning("no manual at %s: the staff page shows no manual excerpts", path)
            return None
        index = cls.parse("\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files))
        log.info("manual: %d sections indexed", len(index._sections))
        return index

    def sections(self) -> list[str]:
        return list(self._sections)

    def get(self, number: str) -> Section | None:
        return self._sections.get(number.strip())

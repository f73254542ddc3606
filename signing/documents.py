"""The mock's documents: the contract's text as HTML and as PDF, and the blank forms as PDFs.

PDFs are made with fpdf2, which embeds a subset of a CJK font taken from Debian's
packages (:func:`find_cjk_font`: ``fonts-noto-cjk`` first, then ``fonts-wqy-zenhei``,
``fonts-arphic-uming``, then whatever ``fc-list :lang=zh-cn`` offers), so the Chinese
text is both shown and extractable.  Without any, :class:`FontMissing` names the
package to install.

The forms (``GET /mock/api/forms/{name}.pdf``), written for this mock as fill-in
forms, each marked as a mock and not an official text:

========================  ===========================================================
``commitment``            承诺书: signed by buyer and seller, uploaded by the seller
                          before signing (manual 5.3.4, offline 5.4.4)
``cancel-application``    注销二手房买卖合同备案申请表 (manual 8.2.4)
``cancel-commitment``     注销网签备案承诺书 (manual 8.2.4)
``cancel-agreement``      买卖双方解除协议 (manual 8.2.4)
``authorization``         电子证照调用授权书, one per party (manual 8.2.3, 8.2.7)
========================  ===========================================================
"""

from __future__ import annotations

import copy
import functools
import html
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import FontFace, SubsetMap, TTFFont

from dialogs.privacy import mask_number
from rules.codes import DOC_TYPE_NAMES, ORIGIN_NAMES, SIGNING_NAMES, USAGE_NAMES
from rules.lifecycle import STATUS_NAMES

_PAYMENT = {"full": "一次性付款", "instalment": "分期付款", "loan": "贷款付款"}


def _party_rows(parties: list[dict[str, Any]]) -> str:
    rows = []
    for p in parties:
        cells = (
            "买方" if p["role"] == "buyer" else "卖方",
            p["name"],
            ORIGIN_NAMES[p["origin"]][0],
            DOC_TYPE_NAMES[p["doc_type"]][0],
            mask_number(p["id_number"]),
            p.get("transfer_share") or "",
        )
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return "\n".join(rows)


def contract_html(contract: dict[str, Any], prop: dict[str, Any] | None) -> str:
    """The contract text a party reads before signing (identity numbers masked).

    >>> page = contract_html({"id": "c1", "status": "draft", "signing": "online", "usage": "residential",
    ...     "parties": [], "terms": {"price_yuan": 1, "payment": "full", "deposit_yuan": 0,
    ...     "handover_date": "2030-01-01"}, "filing_stamp": None}, None)
    >>> "深圳市二手房买卖合同" in page and "<script" not in page
    True
    """
    terms = contract["terms"]
    cert = html.escape(prop["cert_number"]) if prop else ""
    stamp = contract.get("filing_stamp")
    stamp_line = f"<p>备案号：{html.escape(stamp)}</p>" if stamp else ""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>深圳市二手房买卖合同 {html.escape(contract["id"])}</title></head>
<body>
<h1>深圳市二手房买卖合同（示范文本）</h1>
<p>合同编号：{html.escape(contract["id"])}　状态：{html.escape(STATUS_NAMES[contract["status"]][0])}</p>
<p>签署方式：{SIGNING_NAMES[contract["signing"]][0]}　房屋用途：{USAGE_NAMES[contract["usage"]][0]}　产权证书：{cert}</p>
{stamp_line}
<h2>买卖双方</h2>
<table border="1"><tr><th>角色</th><th>名称</th><th>国籍/地区</th><th>证件类型</th><th>证件号码</th><th>转让份额</th></tr>
{_party_rows(contract["parties"])}
</table>
<h2>合同条款</h2>
<ul>
<li>成交价格：{int(terms["price_yuan"])} 元</li>
<li>付款方式：{_PAYMENT.get(terms["payment"], html.escape(str(terms["payment"])))}</li>
<li>定金：{int(terms["deposit_yuan"])} 元</li>
<li>交付日期：{html.escape(str(terms["handover_date"]))}</li>
</ul>
</body></html>
"""


# ---------------------------------------------------------------------- the CJK font
#: (path, index in a .ttc collection) tried in order; Noto Sans CJK's index 2 is Simplified Chinese.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
FONT_PACKAGE = "fonts-noto-cjk"
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


class FontMissing(RuntimeError):
    """No CJK font on this machine; the message names the Debian package to install."""


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0


def _fc_list() -> list[FontFile]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "--format", "%{file}|%{index}\\n"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in sorted(out.splitlines()):
        path, _, index = line.partition("|")
        if path.lower().endswith(_FONT_SUFFIXES) and index.isdigit():
            found.append(FontFile(path, int(index)))
    return found


@functools.cache
def find_cjk_font() -> FontFile:
    """The CJK font the PDFs embed: a known Debian path, else the first of ``fc-list :lang=zh-cn``.

    >>> find_cjk_font().path.endswith(_FONT_SUFFIXES)
    True
    """
    for path, index in FONT_CANDIDATES:
        if os.path.isfile(path):
            return FontFile(path, index)
    for font in _fc_list():
        if os.path.isfile(font.path):
            return font
    raise FontMissing(
        f"no CJK font found for the mock's PDFs: install Debian's {FONT_PACKAGE} "
        f"(sudo apt-get install {FONT_PACKAGE}; fonts-wqy-zenhei or fonts-arphic-uming also do)"
    )


# ---------------------------------------------------------------------- PDF plumbing
MOCK_NOTE = (
    "【模拟】本文件由演示用的平台模拟系统生成，不是官方文本，不具法律效力。MOCK – not an official document."
)


@functools.cache
def _parsed_cjk_font() -> TTFFont:
    """The CJK font as fpdf2 parses it (metrics, character map, glyph ids): once per process,
    not once per PDF (the parse of a CJK collection is a third of a contract PDF's time)."""
    font = find_cjk_font()
    doc = FPDF()
    doc.add_font("cjk", fname=font.path, collection_font_number=font.index)
    parsed = doc.fonts["cjk"]
    assert isinstance(parsed, TTFFont)
    return parsed


def _cjk_font() -> TTFFont:
    """A document's own copy of :func:`_parsed_cjk_font`, sharing what rendering only reads
    (metrics, widths, character map, glyph ids), with its own (lazily read) font file, because
    writing the PDF subsets that in place, and its own empty subset and missing glyphs."""
    parsed = _parsed_cjk_font()
    font = copy.copy(parsed)
    font.ttfont = ttLib.TTFont(
        parsed.ttffile, recalcTimestamp=False, fontNumber=parsed.collection_font_number, lazy=True
    )
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    return font


class _Doc(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.fonts["cjk"] = _cjk_font()  # what add_font("cjk", …) makes, without parsing the font again
        self.set_title(title)
        self.set_creator("esf-guide platform mock")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("cjk", size=7)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, MOCK_NOTE, align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font("cjk", size=size)
        self.multi_cell(0, size * 0.6, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def section(self, text: str) -> None:
        self.ln(2)
        self.set_font("cjk", size=12)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, size: int = 10) -> None:
        self.set_font("cjk", size=size)
        self.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")

    def grid(self, rows: Sequence[Sequence[str]], widths: tuple[int, ...], headings: bool = True) -> None:
        self.set_font("cjk", size=9)
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5.5,
            first_row_as_headings=headings,
            headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)

    def bytes(self) -> bytes:
        return bytes(self.output())


# ---------------------------------------------------------------------- the contract
def contract_pdf(contract: dict[str, Any], prop: dict[str, Any] | None) -> bytes:
    """The contract as a PDF: parties (masked ids), property, terms, signing method, status, and
    the filing stamp once filed.

    >>> data = contract_pdf({"id": "c1", "status": "filed", "signing": "online", "usage": "residential",
    ...     "parties": [], "terms": {"price_yuan": 1, "payment": "full", "deposit_yuan": 0,
    ...     "handover_date": "2030-01-01"}, "filing_stamp": "深房备（2030）第00000001号"}, None)
    >>> data.startswith(b"%PDF-")
    True
    """
    terms = contract["terms"]
    doc = _Doc(f"深圳市二手房买卖合同 {contract['id']}")
    doc.heading("深圳市二手房买卖合同（示范文本）")
    doc.para(
        f"合同编号：{contract['id']}    合同状态：{STATUS_NAMES[contract['status']][0]}    "
        f"签署方式：{SIGNING_NAMES[contract['signing']][0]}"
    )
    doc.section("第一条  买卖双方")
    rows = [("角色", "名称", "国籍/地区", "证件类型", "证件号码", "转让份额")]
    for p in contract["parties"]:
        rows.append(
            (
                "买方" if p["role"] == "buyer" else "卖方",
                str(p["name"]),
                ORIGIN_NAMES[p["origin"]][0],
                DOC_TYPE_NAMES[p["doc_type"]][0],
                mask_number(p["id_number"]),
                str(p.get("transfer_share") or ""),
            )
        )
        agent = p.get("agent")
        if agent:
            rows.append(("代理人", str(agent["name"]), "", DOC_TYPE_NAMES[agent["doc_type"]][0],
                         mask_number(agent["id_number"]), ""))  # fmt: skip
    doc.grid(rows, (14, 34, 22, 36, 44, 20))
    doc.section("第二条  房屋基本情况")
    if prop is not None:
        region = "深圳市" if prop["region"] == "shenzhen" else "深汕特别合作区"
        doc.para(
            f"产权证书：{prop['cert_number']}    登记区域：{region}    "
            f"房屋用途：{USAGE_NAMES[prop['usage']][0]}{'（工业楼宇）' if prop.get('industrial') else ''}"
        )
    else:
        doc.para(f"房屋用途：{USAGE_NAMES[contract['usage']][0]}")
    doc.section("第三条  成交价格、付款与交付")
    doc.para(
        f"成交价格：人民币 {int(terms['price_yuan']):,} 元；付款方式：{_PAYMENT.get(terms['payment'], terms['payment'])}；"
        f"定金：人民币 {int(terms['deposit_yuan']):,} 元；房屋交付日期：{terms['handover_date']}。"
    )
    doc.section("第四条  签署与备案")
    doc.para(
        "本合同经买卖双方签署后生效"
        + ("，并通过深圳市房地产信息平台办理网签备案。" if contract.get("filing_required", True) else "。")
        + " 买卖双方确认已阅读并理解本合同全部条款。"
    )
    doc.ln(6)
    doc.para("卖方（签章）：____________________        买方（签章）：____________________", size=11)
    stamp = contract.get("filing_stamp")
    if stamp:
        _stamp(doc, str(stamp))
    return doc.bytes()


def _stamp(doc: _Doc, number: str) -> None:
    doc.ln(8)
    x, y = doc.w - doc.r_margin - 62, doc.get_y()
    doc.set_draw_color(200, 30, 30)
    doc.set_text_color(200, 30, 30)
    doc.set_line_width(0.8)
    doc.rect(x, y, 62, 22)
    doc.set_xy(x, y + 3)
    doc.set_font("cjk", size=13)
    doc.cell(62, 7, "网签备案专用章（模拟）", align="C")
    doc.set_xy(x, y + 12)
    doc.set_font("cjk", size=9)
    doc.cell(62, 6, f"备案号：{number}", align="C")
    doc.set_text_color(0, 0, 0)
    doc.set_draw_color(0, 0, 0)


# ---------------------------------------------------------------------- blank forms
@dataclass(frozen=True)
class Form:
    title: str
    section: str
    intro: str
    fields: tuple[str, ...]
    declarations: tuple[str, ...]
    signers: tuple[str, ...]


_CONTRACT_FIELDS = ("合同编号", "产权证书号码", "房屋坐落")
_SELLER_BUYER = ("卖方（签名/盖章）", "买方（签名/盖章）")

FORMS: dict[str, Form] = {
    "commitment": Form(
        "承诺书",
        "手册5.3.4、5.4.4",
        "买卖双方就本次二手房交易向深圳市房地产信息平台作出以下承诺。本表由双方填写签署后，由卖方上传（PDF）。",
        (*_CONTRACT_FIELDS, "卖方姓名/名称及证件号码", "买方姓名/名称及证件号码"),
        (
            "我们填写和提交的身份信息、房屋信息和合同内容真实、完整、准确。",
            "房屋不存在未告知对方的查封、限制转让等情形；已设立抵押的，已如实告知对方。",
            "我们知悉网签合同经备案后，变更或注销须按规定办理。",
            "因信息不实产生的责任由承诺人自行承担。",
        ),
        _SELLER_BUYER,
    ),
    "cancel-application": Form(
        "注销二手房买卖合同备案申请表",
        "手册8.2.4",
        "已备案的二手房买卖合同申请注销网签或备案时填写。由第一个上传注销材料的当事人（申请人）上传。",
        (*_CONTRACT_FIELDS, "备案号", "申请人及联系电话", "注销方式（注销网签 / 注销备案）", "注销原因"),
        ("以上填写内容真实，买卖双方均同意注销。",),
        _SELLER_BUYER,
    ),
    "cancel-commitment": Form(
        "注销网签备案承诺书",
        "手册8.2.4",
        "买卖双方申请注销合同网签备案时签署。",
        (*_CONTRACT_FIELDS, "备案号"),
        (
            "本次注销系买卖双方真实意愿，双方对注销后果已充分知悉。",
            "该房屋尚未被登记部门受理转移登记。",
            "因注销引起的纠纷由买卖双方自行协商解决，与平台无关。",
        ),
        _SELLER_BUYER,
    ),
    "cancel-agreement": Form(
        "买卖双方解除协议",
        "手册8.2.4",
        "买卖双方经协商一致，解除下列二手房买卖合同。",
        (*_CONTRACT_FIELDS, "解除日期", "已付款项的处理", "定金的处理", "其他约定"),
        ("本协议自双方签署之日起生效，原合同同时解除。",),
        _SELLER_BUYER,
    ),
    "authorization": Form(
        "电子证照调用授权书",
        "手册8.2.3、8.2.7",
        "每位买方和卖方各签署一份，授权平台在办理合同网签备案注销时调用本人的电子证照。"
        "系统未能调用电子证照的，改为上传有效身份证明材料。",
        ("授权人姓名/名称", "证件类型", "证件号码", "合同编号", "授权事项：二手房买卖合同网签备案注销"),
        ("本人同意平台为办理上述事项调用本人的电子证照信息，仅用于该事项。",),
        ("授权人（签名/盖章）",),
    ),
}


@functools.cache
def form_pdf(name: str) -> bytes:
    """A blank form of :data:`FORMS` as a PDF (``KeyError`` for another name).

    >>> form_pdf("commitment").startswith(b"%PDF-")
    True
    """
    form = FORMS[name]
    doc = _Doc(form.title)
    doc.heading(form.title)
    doc.para(f"（样表，{form.section}；模拟平台提供，不是官方文本）", size=9)
    doc.ln(2)
    doc.para(form.intro)
    doc.ln(2)
    doc.grid([(label, "") for label in form.fields], (60, 114), headings=False)
    doc.section("声明")
    for number, text in enumerate(form.declarations, start=1):
        doc.para(f"{number}. {text}")
    doc.ln(8)
    doc.para("        ".join(f"{s}：________________" for s in form.signers), size=11)
    doc.ln(4)
    doc.para("日期：______年____月____日", size=11)
    return doc.bytes()


def form_names() -> list[str]:
    return sorted(FORMS)

"""The contract's text as HTML, and a placeholder PDF.

The PDF is a minimal, valid one-page document naming the contract (ASCII only):
the real model contract with its Chinese text is a later task.
"""

from __future__ import annotations

import html
from typing import Any

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


def placeholder_pdf(contract_id: str) -> bytes:
    """A one-page PDF naming the contract; a stand-in for the real document.

    >>> data = placeholder_pdf("c_1")
    >>> data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    True
    """
    safe = "".join(ch for ch in contract_id if ch.isascii() and (ch.isalnum() or ch in "-_"))
    text = f"Contract {safe} (placeholder; the model contract text is a later task)"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)

"""The mock's PDFs: the contract and the blank forms, with the CJK font embedded and the text extractable."""

from __future__ import annotations

import io
from typing import Any

import fpdf.fonts
import pytest
from pypdf import PdfReader

from signing import documents
from signing.documents import FORMS, FontMissing, contract_pdf, find_cjk_font
from tests.signing.mockclient import TERMS, Client, ThreadServer, party_of, resident_id

BUYER_ID = resident_id("19900215", "456")


def _text(data: bytes) -> str:
    """The extracted text without blanks (pypdf reads fpdf2's CID text with NULs between characters)."""
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(ch for ch in text if ch not in " \n\x00")


def _embedded_fonts(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    found.append(str(descriptor["/FontName"]))
    return found


def _contract(client: Client) -> tuple[str, str, str]:
    seller = client.seed_account()
    buyer = client.seed_account(name="测试乙", id_number=BUYER_ID, mobile="13900139000")
    s_tok, b_tok = client.login(seller), client.login(buyer)
    status, out = client.create_contract(seller, party_of(buyer), s_tok)
    assert status == 201, out
    return str(out["contract_id"]), s_tok, b_tok


def test_contract_pdf_over_http(mock: ThreadServer) -> None:
    cid, _s_tok, b_tok = _contract(mock)
    status, data = mock.call("GET", f"/mock/api/contracts/{cid}/text.pdf", token=b_tok)
    assert status == 200 and data.startswith(b"%PDF-")
    assert _embedded_fonts(data), "the CJK font is embedded"
    text = _text(data)
    for needle in ("深圳市二手房买卖合同", cid, "测试乙", "线上签署", "3,000,000", "2030-06-30", "草稿"):
        assert needle in text, needle
    assert BUYER_ID not in text and BUYER_ID[-4:] in text  # masked
    assert "不动产权第" in text
    assert mock.contract(cid, b_tok)["downloaded"] is True


def test_contract_pdf_shows_the_filing_stamp() -> None:
    contract = {
        "id": "c_demo",
        "status": "filed",
        "signing": "offline",
        "usage": "residential",
        "parties": [],
        "terms": TERMS,
        "filing_stamp": "深房备（2030）第00000042号",
    }
    text = _text(contract_pdf(contract, None))
    assert "已备案" in text and "深房备（2030）第00000042号" in text and "网签备案专用章" in text
    assert "备案号" not in _text(contract_pdf({**contract, "status": "signed", "filing_stamp": None}, None))


def test_forms_are_downloadable(mock: ThreadServer) -> None:
    token = mock.login(mock.seed_account())
    titles = {
        "commitment": "承诺书",
        "cancel-application": "注销二手房买卖合同备案申请表",
        "cancel-commitment": "注销网签备案承诺书",
        "cancel-agreement": "买卖双方解除协议",
        "authorization": "电子证照调用授权书",
    }
    assert set(FORMS) == set(titles)
    for name, title in titles.items():
        status, data = mock.call("GET", f"/mock/api/forms/{name}.pdf", token=token)
        assert status == 200 and data.startswith(b"%PDF-"), name
        assert _embedded_fonts(data), name
        text = _text(data)
        assert title in text and "模拟" in text, name
    assert mock.call("GET", "/mock/api/forms/commitment.pdf")[0] == 401
    status, out = mock.call("GET", "/mock/api/forms/nothing.pdf", token=token)
    assert status == 404 and out["error"]["code"] == "unknown_form"


def test_a_missing_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    monkeypatch.setattr(documents, "_fc_list", lambda: [])
    find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissing, match="fonts-noto-cjk"):
            find_cjk_font()
    finally:
        find_cjk_font.cache_clear()


def test_the_cjk_font_is_parsed_once_for_many_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """contract_pdf reuses the parsed font; each PDF still embeds its own subset with its own glyphs."""
    parsed: list[str] = []
    real_init = fpdf.fonts.TTFFont.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        parsed.append(str(args[1] if len(args) > 1 else kwargs.get("font_file_path")))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(fpdf.fonts.TTFFont, "__init__", counting)
    base = {"id": "c_1", "status": "signed", "signing": "offline", "usage": "residential", "terms": TERMS,
            "filing_stamp": None}  # fmt: skip
    names = ["龙飞凤舞", "鹏程万里", "春华秋实"]  # glyphs the other PDFs do not use
    pdfs = []
    for index, name in enumerate(names):
        party = {"role": "buyer", "name": name, "origin": "mainland", "doc_type": "resident_id",
                 "id_number": BUYER_ID}  # fmt: skip
        pdfs.append(contract_pdf({**base, "id": f"c_{index}", "parties": [party]}, None))
    assert len(parsed) <= 1  # at most once in this process (zero when an earlier test parsed it)
    for name, data in zip(names, pdfs, strict=True):
        text = _text(data)
        assert name in text and "深圳市二手房买卖合同" in text
        assert all(other not in text for other in names if other != name)
        assert _embedded_fonts(data)

"""The enum codes of ``rules-api.md`` and the manual's own names for them.

Codes are ``Literal`` types, so strict validation accepts exactly these strings
(and reports anything else as ``bad_enum``).  The ``*_NAMES`` tables give the
manual's wording, for messages.
"""

from __future__ import annotations

from typing import Literal

PartyType = Literal["individual", "enterprise", "other_org"]
Origin = Literal["mainland", "hk", "macau", "taiwan", "foreign"]
Capacity = Literal["full", "limited", "none"]
DocType = Literal[
    "resident_id",
    "officer_id",
    "hk_macau_permit",
    "taiwan_permit",
    "passport",
    "hk_id",
    "macau_id",
    "hkmt_residence_permit",
    "foreign_permanent_id",
    "uscc",
    "mobile",
]
CertType = Literal["realty_cert", "property_cert"]
Region = Literal["shenzhen", "shenshan"]
Usage = Literal["residential", "non_residential"]
Signing = Literal["online", "offline"]
Role = Literal["buyer", "seller"]

PARTY_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "individual": ("个人", "individual"),
    "enterprise": ("企业", "enterprise"),
    "other_org": ("其他组织", "other organisation"),
}
ORIGIN_NAMES: dict[str, tuple[str, str]] = {
    "mainland": ("中国内地", "mainland China"),
    "hk": ("中国香港", "Hong Kong, China"),
    "macau": ("中国澳门", "Macau, China"),
    "taiwan": ("中国台湾", "Taiwan, China"),
    "foreign": ("外籍", "foreign"),
}
CAPACITY_NAMES: dict[str, tuple[str, str]] = {
    "full": ("完全民事行为能力", "full civil capacity"),
    "limited": ("限制民事行为能力", "limited civil capacity"),
    "none": ("无民事行为能力", "no civil capacity"),
}
DOC_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "resident identity card"),
    "officer_id": ("军官证", "military officer's certificate"),
    "hk_macau_permit": ("港澳居民来往内地通行证", "Mainland Travel Permit for Hong Kong and Macao Residents"),
    "taiwan_permit": ("台湾居民来往大陆通行证", "Mainland Travel Permit for Taiwan Residents"),
    "passport": ("护照", "passport"),
    "hk_id": ("香港居民身份证", "Hong Kong identity card"),
    "macau_id": ("澳门居民身份证", "Macao resident identity card"),
    "hkmt_residence_permit": (
        "港澳台居民居住证",
        "Residence Permit for Hong Kong, Macao and Taiwan Residents",
    ),
    "foreign_permanent_id": ("外国人永久居留身份证", "Foreign Permanent Resident ID Card"),
    "uscc": ("统一社会信用代码", "unified social credit code"),
    "mobile": ("手机号", "mobile number"),
}
CERT_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "realty_cert": ("房地产权证书", "real estate title certificate (房地产权证书)"),
    "property_cert": ("不动产权证书", "immovable property title certificate (不动产权证书)"),
}
REGION_NAMES: dict[str, tuple[str, str]] = {
    "shenzhen": ("深圳市", "Shenzhen"),
    "shenshan": ("深汕合作区", "Shenshan Special Cooperation Zone"),
}
USAGE_NAMES: dict[str, tuple[str, str]] = {
    "residential": ("住宅", "residential"),
    "non_residential": ("非住宅", "non-residential"),
}
SIGNING_NAMES: dict[str, tuple[str, str]] = {
    "online": ("线上签署", "online signing"),
    "offline": ("线下签署", "offline signing"),
}
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "buyer": ("买方", "buyer"),
    "seller": ("卖方", "seller"),
    "counter_staff": ("公积金服务厅窗口人员", "provident fund hall counter staff"),
}

# Document types of people from outside the mainland whose platform ID number may
# be edited to the certificate's (manual 5.2.2, 权利人证件号码, condition 1).
OVERSEAS_DOC_TYPES: frozenset[str] = frozenset(
    {"hk_macau_permit", "taiwan_permit", "passport", "hkmt_residence_permit", "foreign_permanent_id"}
)

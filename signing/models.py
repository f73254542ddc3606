"""Request bodies of the platform mock (``platform-api.md``), as strict pydantic models.

Enum fields use the code types of :mod:`rules.codes`, so a wrong code is refused
here with the same vocabulary the rules use.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.cancel import CancelKind, Change
from rules.codes import Capacity, CertType, DocType, Origin, PartyType, Region, Signing, Usage
from rules.title import LoginIdentity, PropertyStatus

AccountKind = Literal["individual", "legal_person"]
RealnameKind = Literal["online", "onsite", "none"]
LoginMethod = Literal["yss_scan", "digital_cert", "password"]
Payment = Literal["full", "instalment", "loan"]
IszStep = Literal["preview", "realname", "signature", "sms", "confirm"]
IszMethod = Literal["数字认证", "腾讯云"]

ISZ_STEPS: tuple[IszStep, ...] = ("preview", "realname", "signature", "sms", "confirm")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    account_id: str = Field(min_length=1, max_length=100)
    method: LoginMethod
    secret: str = Field(min_length=1, max_length=200)
    sms_code: str | None = Field(default=None, max_length=20)
    institution_id: str | None = Field(default=None, max_length=100)


class SmsSendBody(Body):
    account_id: str = Field(min_length=1, max_length=100)


class AccountBody(Body):
    kind: AccountKind
    name: str = Field(min_length=1, max_length=200)
    doc_type: DocType
    id_number: str = Field(min_length=1, max_length=60)
    mobile: str = Field(min_length=1, max_length=30)
    level: int = Field(ge=1, le=5)
    realname: RealnameKind
    origin: Origin = "mainland"
    capacity: Capacity = "full"
    can_use_isz: bool = True
    blacklisted: bool = False
    password: str | None = Field(default=None, min_length=1, max_length=200)


class PersonBody(Body):
    """Who someone is, as the registry and the contract record it (owners and parties alike)."""

    account_id: str | None = None
    type: PartyType
    origin: Origin
    capacity: Capacity
    name: str = Field(min_length=1, max_length=200)
    doc_type: DocType
    id_number: str = Field(min_length=1, max_length=60)


class OwnerBody(PersonBody):
    share: str = Field(default="1/1", min_length=1, max_length=20)


class PropertyBody(Body):
    cert_type: CertType
    cert_number: str = Field(min_length=1, max_length=100)
    region: Region
    usage: Usage
    industrial: bool = False
    status: PropertyStatus = "valid"
    multi_unit_mixed_usage: bool = False
    usage_standardized: bool = True
    owners: list[OwnerBody] = Field(min_length=1, max_length=20)


class LinkBody(Body):
    owner_account_id: str = Field(min_length=1)
    agent_account_id: str = Field(min_length=1)
    property_id: str = Field(min_length=1)


class AgentBody(Body):
    agent_account_id: str = Field(min_length=1)


class TitleCheckBody(Body):
    cert_type: CertType
    cert_number: str = Field(min_length=1, max_length=100)
    region: Region
    login_identity: LoginIdentity


class PartyBody(PersonBody):
    via_agent: bool = False
    can_use_isz: bool | None = None


class SellerBody(Body):
    owner_index: int = Field(ge=0)
    transfer_share: str = Field(default="1/1", min_length=1, max_length=20)
    agent: PartyBody | None = None


class TermsBody(Body):
    price_yuan: int = Field(gt=0, le=10**11)
    payment: Payment
    deposit_yuan: int = Field(ge=0, le=10**11)
    handover_date: datetime.date


class TermsPatch(Body):
    price_yuan: int | None = Field(default=None, gt=0, le=10**11)
    payment: Payment | None = None
    deposit_yuan: int | None = Field(default=None, ge=0, le=10**11)
    handover_date: datetime.date | None = None


class ContractBody(Body):
    property_id: str = Field(min_length=1)
    signing: Signing
    buyers: list[PartyBody] = Field(min_length=1, max_length=20)
    sellers: list[SellerBody] = Field(min_length=1, max_length=20)
    terms: TermsBody


class PatchBody(Body):
    terms: TermsPatch


class CancellationBody(Body):
    kind: CancelKind
    change: Change = "none"


class ReviewBody(Body):
    approve: bool


class TransferBody(Body):
    accepted: bool = True


class SignBody(Body):
    step: IszStep
    method: IszMethod | None = None
    sms_code: str | None = Field(default=None, max_length=20)

"""The platform mock: 深圳市房地产信息平台, 广东省统一身份认证平台 and i深圳 (``platform-api.md``).

A stateful stand-in for the government platform the assistant guides people
through: accounts and logins, the property registry, title checks, the contract
from draft to filed, i深圳 signing, filing and both cancellations.  It stores and
enforces; every decision is made by :mod:`rules`.  ``python -m signing`` runs it
alone; ``make run`` mounts it at ``/mock`` on the main server.
"""

from .app import make_app, make_root_app, platform_from_settings
from .platform import Platform

__all__ = ["Platform", "make_app", "make_root_app", "platform_from_settings"]

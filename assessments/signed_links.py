"""The tokens in the links a mail carries: signed with the service's secret, one salt per purpose.

A token says which record it is about and something that changes once the link has been used
(an invitation's nonce, a fingerprint of the password): the database decides whether it is still
good, the signature that nobody made it up. The database holds nothing that could be turned back
into a working link without the secret key.
"""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer


class BadLink(Exception):
    """A link that was altered, made up, or signed for another purpose."""


def sign(secret: str, purpose: str, payload: dict[str, Any]) -> str:
    return URLSafeSerializer(secret, salt=f"ffw-{purpose}").dumps(payload)


def unsign(secret: str, purpose: str, token: str) -> dict[str, Any]:
    try:
        payload = URLSafeSerializer(secret, salt=f"ffw-{purpose}").loads(token)
    except BadSignature as error:
        raise BadLink(purpose) from error
    if not isinstance(payload, dict):
        raise BadLink(purpose)
    return payload


def fingerprint(*parts: object) -> str:
    """A short digest of values that change when a link must stop working."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:20]

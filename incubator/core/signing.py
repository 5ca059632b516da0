"""HMAC-signed small values for cookies (flash messages)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, purpose: str, value: Any) -> str:
    body = _b64(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    mac = hmac.new(f"{purpose}:{secret}".encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(secret: str, purpose: str, token: str) -> Any | None:
    body, _, mac = token.partition(".")
    expected = hmac.new(f"{purpose}:{secret}".encode(), body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(mac), expected):
            return None
        return json.loads(_unb64(body))
    except ValueError:
        return None

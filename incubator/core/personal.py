"""Personal data: ID and phone numbers checked on input, masked in lists and exports."""

from __future__ import annotations

import re

from incubator.core.i18n import _


def mask_phone(phone: str | None) -> str:
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str | None) -> str:
    value = (number or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


def id_number_error(number: str) -> str | None:
    """GB 11643 citizen ID: 18 characters with a check character."""
    value = number.strip().upper()
    if not ID_RE.match(value):
        return _("身份证号应为 18 位，最后一位可以是 X")
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[17]:
        return _("身份证号校验位不正确，请核对")
    return None


def phone_error(phone: str) -> str | None:
    if not PHONE_RE.match(phone.strip().replace(" ", "")):
        return _("电话号码格式不正确（手机 11 位，固话如 0519-85123456）")
    return None

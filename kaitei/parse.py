"""Kept for callers written before kaitei.read: the reader lives in kaitei/read/."""

from __future__ import annotations

from .read.body import parse_body
from .read.closing import _EN_DATE, _JA_DATE, _english_date

__all__ = ["_EN_DATE", "_JA_DATE", "_english_date", "parse_body"]

"""A logging filter that keeps keys out of the installer's logs.

The installer's own code never logs a code or key; this filter also scrubs what the radio
libraries print at DEBUG (zigpy logs the network key in ``NetworkInfo``): any 16-byte key
written as colon-separated or plain hex after the word "key", and any install code.
"""

from __future__ import annotations

import logging
import re

_KEY = re.compile(r"(?i)(key\w*\s*[=:]\s*)((?:[0-9a-f]{2}[:\- ]?){15}[0-9a-f]{2})")
_LONG_HEX = re.compile(r"(?i)\b[0-9a-f]{32,36}\b")
REDACTED = "<redacted>"


def redact(text: str) -> str:
    text = _KEY.sub(lambda m: m.group(1) + REDACTED, text)
    return _LONG_HEX.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of ``logger`` (default: the root logger)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())

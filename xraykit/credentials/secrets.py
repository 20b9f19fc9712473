"""Masking: a secret never leaves xraykit in full.

Secret access keys, session tokens and container authorization tokens are shown as at most four
leading and four trailing characters around an ellipsis (``wJal…EKEY``); the access key ID is not a
secret and may be shown. Every ``repr``, ``str``, HTML rendering and JSON output of this package goes
through these helpers.

This module is a leaf: it imports nothing from xraykit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["ELLIPSIS", "mask", "mask_env", "mask_ini_text"]

ELLIPSIS = "…"

# keys in ~/.aws/credentials and ~/.aws/config whose values are secrets
_SECRET_FILE_KEYS = ("aws_secret_access_key", "aws_session_token", "aws_security_token")
_SECRET_LINE = re.compile(
    r"^(?P<head>\s*(?:" + "|".join(_SECRET_FILE_KEYS) + r")\s*[=:]\s*)(?P<value>\S.*?)(?P<tail>\s*)$",
    re.IGNORECASE | re.MULTILINE,
)


def mask(value: str | None) -> str | None:
    """Mask a secret: at most 4 leading and 4 trailing characters survive, never more than a fifth each.

    Args:
        value: the secret, or ``None``.

    Returns:
        ``None`` for ``None``; otherwise e.g. ``wJal…EKEY`` for a 40-character secret key, or ``…``
        alone for a value too short to show any of it safely.
    """
    if value is None:
        return None
    value = str(value)  # whatever it is, it is shown masked
    keep = min(4, len(value) // 5)
    if keep == 0:
        return ELLIPSIS
    return f"{value[:keep]}{ELLIPSIS}{value[-keep:]}"


def mask_env(env: Mapping[str, str], secret_names: Iterable[str]) -> dict[str, str]:
    """A copy of ``env`` with the values of the secret variables masked.

    Args:
        env: variable name to value.
        secret_names: the names whose values are secrets (``AWS_SECRET_ACCESS_KEY``, ...).

    Returns:
        A new dict, same keys and order.
    """
    secrets = set(secret_names)
    return {name: (mask(value) or "") if name in secrets else value for name, value in env.items()}


def mask_ini_text(text: str | None) -> str | None:
    """The text of a credentials or config file with every secret value masked.

    Args:
        text: the file's text, or ``None`` for an absent file.

    Returns:
        The same text, line for line, with the values of ``aws_secret_access_key``,
        ``aws_session_token`` and ``aws_security_token`` masked.
    """
    if text is None:
        return None
    return _SECRET_LINE.sub(lambda m: f"{m['head']}{mask(m['value'])}{m['tail']}", text)

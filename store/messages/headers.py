"""Text that becomes an email header: refused where it enters if it could break one, folded where it leaves.

A subject, an event title or a venue's name ends up in a ``Subject:`` line. A line break there
would let the writer add headers of their own (``Bcc: ...``) and makes Python's email package
refuse the whole message, so entry points refuse such text with a clear message and
:func:`fold_header` makes anything already stored safe to send.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["has_control_characters", "fold_header", "clean_body"]

#: Unicode categories that never belong in one line of text: control characters (CR, LF, NUL,
#: tab, DEL, C1 controls such as NEL), line and paragraph separators, and lone surrogates.
_BREAKING = {"Cc", "Zl", "Zp", "Cs"}

#: What a message body may keep of them: line breaks and tabs.
_BODY_KEEPS = {"\n", "\r", "\t"}

_SPACES = re.compile(r"\s+")


def _breaking(char: str) -> bool:
    return unicodedata.category(char) in _BREAKING


def has_control_characters(text: str, *, allow_line_breaks: bool = False) -> bool:
    """Whether ``text`` holds a character that does not belong in one line (or, with
    ``allow_line_breaks``, in a message body: anything but line breaks and tabs)."""
    keep = _BODY_KEEPS if allow_line_breaks else set()
    return any(_breaking(c) and c not in keep for c in text or "")


def fold_header(text: str, *, limit: int | None = None) -> str:
    """``text`` as one safe header line: every control character or line break becomes a space,
    runs of spaces become one, and the result is trimmed (then cut to ``limit`` characters).

    >>> fold_header("Hi\\r\\nBcc: evil@example.org")
    'Hi Bcc: evil@example.org'
    """
    folded = "".join(" " if _breaking(c) else c for c in text or "")
    folded = _SPACES.sub(" ", folded).strip()
    return folded[:limit] if limit else folded


def clean_body(text: str) -> str:
    """A message body that can always be encoded: line breaks and tabs stay, other control
    characters go, and lone surrogates (which UTF-8 cannot hold) become the replacement character.

    >>> clean_body("a\\x00b\\nc\\ud800")
    'ab\\nc\\ufffd'
    """
    out = []
    for c in text or "":
        category = unicodedata.category(c)
        if category == "Cs":
            out.append("\ufffd")
        elif category == "Cc" and c not in _BODY_KEEPS:
            continue
        else:
            out.append(c)
    return "".join(out)

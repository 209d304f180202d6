"""A message's text as safe HTML for the Messages page: escaped, paragraphs kept, links made links.

Only ``http(s)://`` and ``mailto:`` links become links, and a link to this site becomes a link to
the page here (a path), so it works on whichever address the site is opened at. Nothing from a
message body is ever kept as HTML: everything is escaped first.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

__all__ = ["body_html"]

#: A link in running text: http(s) up to a space or an angle bracket, or a mailto: address.
_LINK = re.compile(r"(https?://[^\s<>\"']+|mailto:[^\s<>\"'@]+@[^\s<>\"']+)", re.IGNORECASE)

#: Punctuation that ends a sentence rather than a link ("see https://x.org/a.").
_TRAILING = ".,;:!?)]}'\""


def _split_trailing(url: str) -> tuple[str, str]:
    end = len(url)
    while end and url[end - 1] in _TRAILING:
        if url[end - 1] == ")" and url[:end].count("(") >= url[:end].count(")"):
            break  # a link that holds its own brackets, like a wiki page
        end -= 1
    return url[:end], url[end:]


def _anchor(url: str, base_url: str) -> Markup:
    base = base_url.rstrip("/")
    if base and (url == base or url.startswith(base + "/") or url.startswith(base + "#") or url.startswith(base + "?")):
        path = url[len(base):] or "/"
        return Markup('<a href="{}">{}</a>').format(path, url)
    if url.lower().startswith("mailto:"):
        return Markup('<a href="{}">{}</a>').format(url, url[len("mailto:"):])
    return Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>').format(url, url)


def _line(text: str, base_url: str) -> Markup:
    out = Markup("")
    last = 0
    for match in _LINK.finditer(text):
        url, trailing = _split_trailing(match.group(0))
        out += escape(text[last:match.start()])
        out += _anchor(url, base_url) if url else escape("")
        out += escape(trailing)
        last = match.end()
    return out + escape(text[last:])


def body_html(text: str, base_url: str = "") -> Markup:
    """``text`` as paragraphs (blank lines between them) with line breaks and links.

    >>> str(body_html("Hi <b>\\nsee http://site.test/events/3.", "http://site.test"))
    '<p>Hi &lt;b&gt;<br>\\nsee <a href="/events/3">http://site.test/events/3</a>.</p>'
    """
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
    out = Markup("")
    for paragraph in paragraphs:
        if not paragraph.strip():
            continue
        lines = Markup("<br>\n").join(_line(line, base_url) for line in paragraph.split("\n"))
        out += Markup("<p>{}</p>\n").format(lines)
    return Markup(out.rstrip("\n"))

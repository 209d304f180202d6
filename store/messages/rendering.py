"""Every email's words, from the Jinja2 templates in ``store/messages/templates/`` (no Flask).

Each message ``name`` has a text template ``name.txt``: it sets ``subject`` (``{% set subject %}``)
and what it writes is the body. It may have an HTML alternative ``name.html`` (extending
``_layout.html``), which gets the same values and the finished ``subject``. Text templates are
not escaped (they are plain text); HTML ones are. A value a template asks for but is not given
raises at once (``StrictUndefined``), so a test that renders every template catches a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape

from store.messages.headers import fold_header

__all__ = ["TEMPLATES", "Rendered", "environment", "message_names", "render"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Rendered:
    """A message's words: a one-line subject, the plain text and, where there is one, HTML;
    ``name`` is the template they came from (which decides the message's topic)."""

    subject: str
    body: str
    html: str | None = None
    name: str | None = None


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment for emails: autoescaping only for ``.html``, strict variables."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def message_names() -> list[str]:
    """Every message there is a template for (files starting with ``_`` are shared parts)."""
    return sorted(p.stem for p in TEMPLATES.glob("*.txt") if not p.name.startswith("_"))


def render(message: str, /, **values) -> Rendered:
    """The subject, text and HTML of ``message`` with ``values`` filled in."""
    env = environment()
    module = env.get_template(f"{message}.txt").make_module(values)
    subject = fold_header(str(module.subject))
    body = str(module).strip("\n") + "\n"
    try:
        html_template = env.get_template(f"{message}.html")
    except TemplateNotFound:
        html = None
    else:
        html = html_template.render(values, subject=subject)
    return Rendered(subject=subject, body=body, html=html, name=message)

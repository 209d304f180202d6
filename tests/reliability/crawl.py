"""Finding every form and parameter of the app: its URL map, its form classes, and the forms its pages show.

Used by the fuzz test: ``Surface`` is what there is to send, gathered by walking ``app.url_map``
with real ids filled in, reading each page a person can open, and listing the fields of every
form class in ``web/*/forms.py`` (for the forms a page shows only in some states).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import web

__all__ = ["FoundForm", "PageForms", "form_class_fields", "fill_rule", "crawl"]


@dataclass
class FoundForm:
    """A form as a page shows it: where it goes, its fields and the values the page offers."""

    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return self.method, urlsplit(self.action).path, tuple(sorted(self.fields)), tuple(sorted(self.files))


class PageForms(HTMLParser):
    """Every ``<form>`` in a page, with its inputs, selects, text areas and named buttons."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self._form = FoundForm(a.get("method", "get").upper(), action)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "option" and self._select:
            self._form.fields[self._select].append(a.get("value", ""))
            return
        if not a.get("name"):
            return
        name = a["name"]
        self._form.types.setdefault(name, a.get("type", "text") if tag == "input" else tag)
        values = self._form.fields.setdefault(name, []) if tag != "input" or a.get("type") != "file" else None
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file":
                self._form.files.add(name)
            elif kind in ("checkbox", "radio"):
                values.append(a.get("value", "on"))
            else:
                values.append(a.get("value", ""))
        elif tag == "button":
            values.append(a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            values.append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_class_fields() -> dict[str, set[str]]:
    """Field names of every form class in ``web/*/forms.py``, by class (csrf_token left out)."""
    out: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(web.__path__):
        try:
            module = importlib.import_module(f"web.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                names = {n for n, v in inspect.getmembers(cls) if isinstance(v, UnboundField)}
                out[f"{module.__name__}.{name}"] = names
    return out


def fill_rule(rule, ids: dict[str, object]) -> str | None:
    """The URL of ``rule`` with each argument taken from ``ids``; ``None`` if one is unknown."""
    values = {}
    for arg in rule.arguments:
        if arg not in ids:
            return None
        values[arg] = ids[arg]
    url = rule.rule
    for arg, value in values.items():
        url = url.replace(f"<int:{arg}>", str(value)).replace(f"<{arg}>", str(value))
    return url


def crawl(client, urls: list[str]) -> tuple[dict[str, int], list[FoundForm]]:
    """GET each URL as ``client``: its status, and the forms of every page that opened."""
    statuses, forms, seen = {}, [], set()
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = PageForms(url)
        parser.feed(response.get_data(as_text=True))
        for found in parser.forms:
            if found.key not in seen:
                seen.add(found.key)
                forms.append(found)
    return statuses, forms

"""axe-core in the browser tests: every page state a test visits is checked, violations fail the test.

How it works. The ``axe_audit`` fixture (``tests/e2e/conftest.py``, autouse) starts an
:class:`Audit`. Each page of every browser context gets a ``load`` listener that only marks the
page "to check" (no browser call happens inside the listener). Just before the test's next
Playwright call (any call: a click, a ``wait_for``, ``goto``, ``close``), and once more when the
test body ends, the audit runs axe-core on every marked page, in the test's own greenlet, so the
state checked is exactly the one the test saw and nothing runs concurrently with the test. A form
submission or a link is a new document, hence a ``load``, hence a check. States that JavaScript
makes without loading a document (a panel opening, results replaced in place) are checked by
calling :func:`assert_accessible` (or ``audit.check(page)``) where the test reaches them.

Violations are collected, not raised at once, so a test reports all of them together at its end:
rule, impact, selector, page and axe's help text. Pages that are not HTML documents (a CSV, a
calendar feed, ``about:blank``) are skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import greenlet
import pytest
from playwright._impl._sync_base import SyncBase

__all__ = ["AXE_VERSION", "Audit", "Violation", "assert_accessible", "run_axe"]

AXE_PATH = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"

# The WCAG 2.0/2.1/2.2 A and AA rules plus axe's best practices (landmarks, one h1, headings in
# order, ...): axe's defaults. ``color-contrast`` is part of them.
_RUN = """async () => {
  if (document.contentType !== 'text/html' || !document.documentElement) return null;
  const results = await window.axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
                              summary: (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')}))
  }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    selector: str
    url: str
    help: str
    detail: str = ""

    def line(self) -> str:
        detail = f"\n      {self.detail}" if self.detail else ""
        return f"  [{self.impact}] {self.rule} at {self.selector} on {self.url}: {self.help}{detail}"


def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def _short(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") or "/"


def run_axe(page) -> list[Violation]:
    """Run axe-core on the page as it is now and return its violations (none for a non-HTML page)."""
    if not page.url.startswith(("http://", "https://")):
        return []
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate(_RUN)
    url = _short(page.url)
    return [Violation(v["rule"], v["impact"] or "", n["target"], url, v["help"], n["summary"])
            for v in found or [] for n in v["nodes"]]


def format_violations(violations: list[Violation]) -> str:
    rules = sorted({v.rule for v in violations})
    head = f"axe-core {AXE_VERSION} found {len(violations)} accessibility violation(s) ({', '.join(rules)}):"
    return "\n".join([head, *(v.line() for v in violations)])


def assert_accessible(page) -> None:
    """Fail now if the page as it stands has any axe-core violation (for states JavaScript made)."""
    violations = run_axe(page)
    assert not violations, format_violations(violations)


class Audit:
    """Checks every loaded page state of a test with axe-core; see the module docstring."""

    def __init__(self, browser_getter):
        self._browser_getter = browser_getter
        self._owner = greenlet.getcurrent()
        self._watched: set[int] = set()
        self._pending: dict[int, object] = {}
        self._busy = False
        self.active = True
        self.violations: list[Violation] = []
        self._seen: set[tuple[str, str, str]] = set()
        self.checked: list[str] = []

    # -- hooking into Playwright -------------------------------------------------------------
    def install(self):
        audit = self
        original = SyncBase._sync

        def _sync(obj, awaitable):
            __tracebackhide__ = True
            if audit.active and not audit._busy and greenlet.getcurrent() is audit._owner:
                audit.flush()
            return original(obj, awaitable)

        SyncBase._sync = _sync
        self._original = original
        return self

    def uninstall(self) -> None:
        self.active = False
        SyncBase._sync = self._original

    def _watch_all(self) -> None:
        for browser in self._browser_getter():
            for context in browser.contexts:
                for page in context.pages:
                    key = id(page)
                    if key in self._watched:
                        continue
                    self._watched.add(key)
                    page.on("load", lambda p=page: self._pending.__setitem__(id(p), p))
                    page.on("close", lambda p=page: self._pending.pop(id(p), None))
                    if page.url.startswith(("http://", "https://")):
                        self._pending[key] = page

    # -- checking ----------------------------------------------------------------------------
    def flush(self) -> None:
        """Check every page that loaded a new document since it was last checked."""
        self._busy = True
        try:
            self._watch_all()
            while self._pending:
                _, page = self._pending.popitem()
                if not page.is_closed():
                    self._record(page)
        finally:
            self._busy = False

    def check(self, page) -> None:
        """Check this page now (a state made by JavaScript); violations are reported at the end."""
        self._busy = True
        try:
            self._pending.pop(id(page), None)
            self._record(page)
        finally:
            self._busy = False

    def _record(self, page) -> None:
        from playwright.sync_api import Error

        try:
            found = run_axe(page)
        except Error as exc:
            if "Execution context was destroyed" in str(exc) or "Target page, context or browser has been closed" in str(exc):
                return  # the page moved on by itself; its next load is checked
            raise
        self.checked.append(_short(page.url))
        if os.environ.get("HEARTH_AXE_LOG"):  # a line per page state checked, to see what was covered
            with open(os.environ["HEARTH_AXE_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{_short(page.url)}\t{len(found)}\n")
        for v in found:
            key = (v.rule, v.selector, v.url)
            if key not in self._seen:
                self._seen.add(key)
                self.violations.append(v)

    def finish(self) -> None:
        """Check what is still unchecked, stop watching, and fail if anything was found."""
        try:
            if self.active:
                self.flush()
        finally:
            self.uninstall()
        if self.violations:
            pytest.fail(format_violations(self.violations), pytrace=False)

    def report(self) -> str:
        return json.dumps([v.__dict__ for v in self.violations], indent=1)

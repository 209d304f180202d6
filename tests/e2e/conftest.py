"""Browser tests: Hearth served on a free loopback port, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from e2e.a11y import Audit
from sqlalchemy import text
from werkzeug.serving import make_server

from store.models import Base
from web import create_app


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_configure(config):
    config.addinivalue_line("markers", "no_axe: do not run axe-core on the pages this browser test visits")


@pytest.fixture(autouse=True)
def axe_audit(request, browser):
    """axe-core on every page state the test visits (see ``tests/e2e/a11y.py``); any violation
    fails the test when its body ends, with rule, impact, selector and page listed."""
    if request.node.get_closest_marker("no_axe") or os.environ.get("HEARTH_AXE") == "0":
        yield None
        return
    audit = Audit(lambda: [browser]).install()
    yield audit
    audit.uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    audit = getattr(item, "funcargs", {}).get("axe_audit")
    try:
        result = yield
    except BaseException:
        if audit is not None:
            audit.uninstall()
        raise
    if audit is not None:
        audit.finish()  # raises AssertionError listing every violation: the test fails
    return result


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (make test does it as root).")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    }


def _wipe(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT 1"))


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def database(self):
        return self.app.extensions["hearth.db"]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(settings_override):
    """A real server with its own committed data, wiped after the test."""
    settings_override["base_url"] = "http://127.0.0.1"
    app = create_app(settings_override)
    server = LiveServer(app).start()
    settings_override["base_url"] = server.url
    yield server
    server.stop()
    _wipe(server.database.engine)
    server.database.dispose()


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page

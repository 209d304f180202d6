"""Accessibility and small phones, in a real browser on the demo town: the axe check itself, the
folding menu, no page scrolling sideways at 320 px (with screenshots of the main pages at 320 and
1280 px saved under .ci/screenshots/ for people to look at), the availability grid, tables as
cards, and Save on the interests page within a few Tabs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from e2e.a11y import Audit, assert_accessible, run_axe
from e2e.conftest import LiveServer, _wipe
from sqlalchemy import select

from store.accounts.models import User
from store.centres.models import Centre
from store.demo.town import DEMO_PASSWORD
from store.events.models import Event, Occurrence
from store.groups.models import Group
from web import create_app

SHOTS = Path(__file__).resolve().parents[2] / ".ci" / "screenshots"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
BAD_PAGE = ("<!doctype html><html><head><title>t</title></head><body><main><h1>Bad</h1>"
            "<img src='x.png'><input type='text'><p style='color:#ccc;background:#fff'>faint</p></main></body></html>")


@pytest.fixture(scope="module")
def demo_server(database_url, tmp_path_factory):
    """One server with the demo town (as ``hearth demo`` makes it, smaller) for the whole module:
    building it takes a while, and these tests only look (and save a few interests)."""
    settings = {"env": "testing", "database_url": database_url, "base_url": "http://127.0.0.1",
                "instance_path": str(tmp_path_factory.mktemp("a11y") / "instance"),
                "log_level": "warning", "queue_url": "immediate://",
                # every test of the module logs in from 127.0.0.1 within a minute or two; the
                # limits themselves are tested in tests/web/test_security.py
                "login_rate_limit": "1000 per minute"}
    server = LiveServer(create_app(settings)).start()
    result = server.app.test_cli_runner().invoke(args=["hearth", "demo", "--residents", "40"])
    assert result.exit_code == 0, result.output
    yield server
    server.stop()
    _wipe(server.database.engine)
    server.database.dispose()


@pytest.fixture(scope="module")
def demo(demo_server):
    with demo_server.database.unit_of_work() as session:
        centre_id = session.scalar(select(Centre.id).order_by(Centre.id))
        event = session.scalar(select(Event).where(Event.centre_id == centre_id).order_by(Event.id))
        occurrence_id = session.scalar(select(Occurrence.id).where(Occurrence.event_id == event.id)
                                       .order_by(Occurrence.starts_at))
        rosa = session.scalar(select(User.id).where(User.email == "resident@demo.example.org"))
        groups = session.scalars(select(Group)).all()
        group_id = next((g.id for g in groups if rosa in {s.user_id for s in g.seats}), groups[0].id if groups else None)
        return {"centre": centre_id, "event": event.id, "occurrence": occurrence_id, "group": group_id}


@pytest.fixture
def url(demo_server, demo):
    return demo_server.url


def _log_in(page, url, email):
    page.goto(url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello").wait_for()


def _sideways(page) -> int:
    """How far the page reaches past the screen's width (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _shoot(page, name: str, size: dict) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)


# -- the check itself -----------------------------------------------------------------------------

@pytest.mark.no_axe
def test_the_axe_check_finds_violations_and_names_them(url, browser):
    page = browser.new_context().new_page()
    page.route("**/bad-page", lambda route: route.fulfill(status=200, content_type="text/html", body=BAD_PAGE))
    audit = Audit(lambda: [browser]).install()
    try:
        page.goto(url + "/bad-page")
        page.goto(url + "/login")  # the next call checks the page that loaded before it
        audit.flush()
    finally:
        audit.uninstall()
    rules = {v.rule for v in audit.violations}
    assert {"image-alt", "label", "color-contrast"} <= rules, rules
    assert {v.url for v in audit.violations} == {"/bad-page"}  # the log-in page itself is clean
    assert "/login" in audit.checked and "/bad-page" in audit.checked
    image = next(v for v in audit.violations if v.rule == "image-alt")
    assert image.impact == "critical" and image.selector == "img"
    with pytest.raises(AssertionError, match="image-alt"):
        page.goto(url + "/bad-page")
        assert_accessible(page)
    assert run_axe(page.context.new_page()) == []  # about:blank is not a page of ours
    page.context.close()


# -- the menu --------------------------------------------------------------------------------------

def test_the_menu_folds_on_a_phone_and_opens_by_keyboard(url, page, demo, axe_audit):
    page.set_viewport_size(PHONE)
    _log_in(page, url, "organiser@demo.example.org")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 60
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("navigation", name="Main").get_by_role("link", name="Events", exact=True).is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    events = page.get_by_role("navigation", name="Main").get_by_role("link", name="Events", exact=True)
    assert events.is_visible()
    axe_audit.check(page)  # the open menu is a state JavaScript made
    _shoot(page, "menu-open", PHONE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Home"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    assert _sideways(page) == 0

    page.set_viewport_size(DESKTOP)  # a wide screen shows the whole menu, no button
    assert not button.is_visible() and events.is_visible()


@pytest.mark.no_axe  # axe-core itself needs JavaScript; these pages are checked with it elsewhere
def test_without_javascript_the_whole_menu_shows(url, browser, demo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    _log_in(page, url, "resident@demo.example.org")
    nav = page.get_by_role("navigation", name="Main")
    assert not page.locator(".menu-toggle").is_visible()
    for label in ("Home", "Events", "Groups", "Messages"):
        # "Messages 2 unread" when there are unread messages
        assert nav.get_by_role("link", name=re.compile(rf"^{label}( |$)")).is_visible(), label
    assert _sideways(page) == 0
    context.close()


# -- every main page at 320 and 1280 px -----------------------------------------------------------

def _pages(demo):
    c, e, o, g = demo["centre"], demo["event"], demo["occurrence"], demo["group"]
    resident = [("home", "/"), ("events", "/events/"), ("event", f"/events/{e}"), ("groups", "/groups/"),
                ("profile", "/profile/"), ("profile-where", "/profile/where"), ("profile-interests", "/profile/interests"),
                ("profile-values", "/profile/values"), ("profile-meeting", "/profile/meeting"),
                ("profile-needs", "/profile/needs"), ("messages", "/messages"), ("account", "/account")]
    if g is not None:
        resident.append(("group", f"/groups/{g}"))
    organiser = [("organiser-events", "/organiser/"), ("organiser-event", f"/organiser/events/{e}"),
                 ("roster", f"/organiser/events/{e}/dates/{o}"),
                 ("overview", f"/organiser/centres/{c}/"), ("members", f"/organiser/centres/{c}/members"),
                 ("connections", f"/organiser/centres/{c}/connections"), ("impact", f"/organiser/centres/{c}/impact"),
                 ("unreached", f"/organiser/centres/{c}/unreached"), ("runs", f"/organiser/centres/{c}/runs"),
                 ("reports", f"/organiser/centres/{c}/reports"), ("match-graph", f"/organiser/centres/{c}/graph"),
                 ("new-event", "/organiser/events/new"), ("neighbourhoods", "/neighbourhoods/")]
    admin = [("admin-centres", "/admin/centres"), ("admin-centre", f"/admin/centres/{c}")]
    return {"resident": resident, "organiser": organiser, "admin": admin}


@pytest.mark.parametrize("who", ["resident", "organiser", "admin"])
def test_main_pages_fit_a_phone_and_are_photographed(url, browser, demo, who):
    pages = _pages(demo)[who]
    wide = []
    for size in (PHONE, DESKTOP):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        _log_in(page, url, f"{who}@demo.example.org")
        for name, path in pages:
            response = page.goto(url + path)
            assert response.status == 200, (path, response.status)
            if name == "match-graph":
                page.locator("#match-graph[data-graph-state]").wait_for()
            if size is PHONE and _sideways(page) > 0:
                wide.append(f"{path} ({_sideways(page)} px too wide)")
            _shoot(page, name, size)
        context.close()
    assert wide == [], "pages that scroll sideways at 320 px: " + ", ".join(wide)


# -- the availability grid and tables as cards ---------------------------------------------------

def test_the_availability_grid_fits_a_phone(url, page, demo):
    page.set_viewport_size(PHONE)
    _log_in(page, url, "resident@demo.example.org")
    page.goto(url + "/profile/meeting")
    wrap = page.locator(".questionnaire .table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") == 0  # no hidden sideways scroll
    evening = page.get_by_label("Sunday evening")
    box = evening.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    evening.check()
    assert evening.is_checked()
    assert page.get_by_role("rowheader", name="Wednesday").is_visible()  # the full day name is what is read


def test_organiser_tables_are_stacked_cards_on_a_phone_and_tables_for_screen_readers(url, page, demo):
    _log_in(page, url, "organiser@demo.example.org")
    path = f"/organiser/centres/{demo['centre']}/members"
    page.set_viewport_size(PHONE)
    page.goto(url + path)
    table = page.get_by_role("table").first
    row = table.locator("tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    cell = row.locator("td").nth(1)
    assert cell.get_attribute("data-label") == "Placed in a group"
    assert page.get_by_role("columnheader", name="Placed in a group").count() == 1  # still a table, headers and all
    assert _sideways(page) == 0
    page.set_viewport_size(DESKTOP)
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"


# -- the interests page by keyboard ---------------------------------------------------------------

def _tabs_to(page, name: str, limit: int = 40) -> int:
    page.locator("body").focus()
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName === 'BUTTON' && document.activeElement.type === 'submit'"
                         " && document.activeElement.textContent.trim()") == name:
            return presses
    return limit + 1


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_save_on_the_interests_page_is_a_few_tabs_away(url, page, demo, size):
    page.set_viewport_size(size)
    _log_in(page, url, "resident@demo.example.org")
    page.goto(url + "/profile/interests")
    button = page.locator("main form button[type=submit]").first.inner_text().strip()
    assert _tabs_to(page, button) <= 15
    # a group folds with Enter on its heading, and the next Tab goes to the next group
    food = page.locator("details.choice-group summary").first
    food.focus()
    page.keyboard.press("Enter")
    assert not page.locator("details.choice-group").first.evaluate("d => d.open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    # a box ticked updates its group's count, and Save by keyboard keeps it
    walking = page.locator("details.choice-group").nth(1)
    first_box = walking.locator("input[type=checkbox]").first
    was = first_box.is_checked()
    first_box.focus()
    page.keyboard.press("Space")
    assert first_box.is_checked() != was
    page.locator("main form button[type=submit]").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda address: "/profile/interests" not in address)  # saved, on to the next step
    page.goto(url + "/profile/interests")
    assert page.locator("details.choice-group").nth(1).locator("input[type=checkbox]").first.is_checked() != was

"""In a real browser: groups that keep meeting. A member's "Next time" section (opt out, then undo,
by keyboard), the standing group's page offered the next date together, and the organiser's date
page "Groups at this date": each axe-clean (the autouse audit) and without sideways scrolling at 320 px."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from browsing import log_in
from connectedness_town import a_week_later
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role
from store.groups.feedback import save_feedback
from store.groups.matching import run_matching
from store.groups.models import Group, GroupMember
from store.groups.offers import close_finished_groups, respond

PHONE = {"width": 320, "height": 640}


def _met(server):
    """Five neighbours met at the first of three weekly suppers and all would meet again
    (as tests/web/test_group_continuing_pages.py builds it); then the week goes by, so the
    meeting is in the past and the next date a few days away."""
    settings = server.app.extensions["hearth.settings"]
    with server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org", name="Olu")
        event, _ = make_event(session, settings, centre, organiser, title="Tuesday supper", recurrence="weekly",
                              repeat_until=date.today() + timedelta(days=20))
        first, second, _ = sorted(event.occurrences, key=lambda o: o.starts_at)
        people = [make_resident(session, name=name, email=f"{name.lower()}@example.org")
                  for name in ("Ada", "Ben", "Cara", "Dev", "Eli")]
        run_matching(session, settings, first.id)
        group = session.scalars(select(Group).where(Group.occurrence_id == first.id)).one()
        for seat in list(group.active_seats):
            respond(session, settings, group.id, seat.user, accept=True)
        after = first.ends_at + timedelta(minutes=5)
        close_finished_groups(session, settings, now=after)
        for seat in group.accepted:
            save_feedback(session, group.id, seat.user, attended=True, now=after,
                          meet_again={s.user_id: True for s in group.accepted if s.user_id != seat.user_id})
        a_week_later(session, SimpleNamespace(now=after))
        return {"group": group.id, "event": event.id, "second": second.id, "emails": [p.email for p in people]}


def _next_date(server, world) -> int:
    """Matching for the next date, as the job runs it: the group is offered it together."""
    settings = server.app.extensions["hearth.settings"]
    with server.database.unit_of_work() as session:
        run_matching(session, settings, world["second"])
        standing = session.scalars(select(Group).where(Group.occurrence_id == world["second"],
                                                       Group.continues_id == world["group"])).one()
        return standing.id


def _tab_to(page, locator, limit: int = 80) -> None:
    """Reach ``locator`` with the Tab key alone, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def _fits(page, shot: str) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], shot
    page.screenshot(path=f"/tmp/{shot}-320.png", full_page=True)
    page.set_viewport_size({"width": 1100, "height": 900})


def test_next_time_opt_out_and_undo_and_the_organisers_date_groups(live_server, browser):
    world = _met(live_server)
    url = live_server.url
    ada = browser.new_context().new_page()
    log_in(ada, url, world["emails"][0])
    ada.goto(url + f"/groups/{world['group']}")
    section = ada.get_by_role("region", name="Next time")
    opt_out = section.get_by_role("button", name="I'd rather meet new people next time")
    assert opt_out.is_visible()
    _fits(ada, "standing-next-time")
    ada.locator("body").focus()
    _tab_to(ada, opt_out)
    ada.keyboard.press("Enter")
    ada.get_by_text("You chose to meet new people next time.").wait_for()
    undo = ada.get_by_role("region", name="Next time").get_by_role(
        "button", name="I'd like to keep meeting this group after all")
    assert undo.is_visible()
    _fits(ada, "standing-opted-out")
    _tab_to(ada, undo)
    ada.keyboard.press("Enter")
    ada.get_by_role("region", name="Next time").get_by_role(
        "button", name="I'd rather meet new people next time").wait_for()
    with live_server.database.unit_of_work() as session:
        seat = session.scalars(select(GroupMember).join(Group).where(
            Group.id == world["group"], GroupMember.user.has(email=world["emails"][0]))).one()
        assert seat.rather_new_at is None  # undone: Ada keeps meeting the group

    standing = _next_date(live_server, world)
    ada.goto(url + f"/groups/{standing}")
    offered = ada.get_by_role("region", name="Next time")
    assert "This group keeps meeting" in offered.inner_text()
    assert offered.get_by_role("button", name="I'd rather meet new people next time").is_visible()
    _fits(ada, "standing-offered")

    olu = browser.new_context().new_page()
    log_in(olu, url, "olu@example.org")
    olu.goto(url + f"/organiser/events/{world['event']}/dates/{world['second']}")
    groups = olu.get_by_role("region", name="Groups at this date")
    assert "Keeps meeting: their 2nd date together" in groups.inner_text()
    assert groups.locator(".standing-group").count() == 1
    _fits(olu, "standing-date-groups")
    assert ada.get_by_role("region", name="Next time").is_visible()

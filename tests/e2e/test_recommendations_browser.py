"""In a real browser: a resident ticks step-free access, and the home page then recommends only what
the step-free filter shows, each event once, with "in N days" counted in days on the event's clock."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from browsing import log_in
from factories import make_centre, make_event, make_resident, make_user

from store.accounts.models import Role


def test_recommendations_keep_to_stated_needs_once_per_event(live_server, browser):
    url = live_server.url
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        organiser = make_user(session, role=Role.ORGANISER, centre=centre)
        lunch, _ = make_event(session, settings, centre, organiser, title="Step-free lunch", kind="event",
                              step_free=True, days_ahead=2, recurrence="weekly",
                              repeat_until=date.today() + timedelta(days=20))
        make_event(session, settings, centre, organiser, title="Upstairs quiz", kind="event", days_ahead=1)
        make_event(session, settings, centre, organiser, title="Upstairs supper", kind="meal", days_ahead=3)
        walk, walk_date = make_event(session, settings, centre, organiser, title="Garden walk", kind="exercise",
                                     step_free=True, days_ahead=5, hour=10, tags=("walking",))
        make_resident(session, email="rosa@example.org", name="Rosa", interests=("cooking", "walking"))
        assert len(lunch.occurrences) == 3
        walk_start = walk_date.starts_at

    page = browser.new_context().new_page()
    log_in(page, url, "rosa@example.org")
    page.goto(url + "/profile/needs")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Save and finish").click()
    page.get_by_role("heading", name="Your profile", exact=True).wait_for()

    page.goto(url + "/")
    recs = page.get_by_role("region", name="Recommended for you")
    recs.wait_for()
    items = [t.strip() for t in recs.get_by_role("listitem").all_inner_texts()]
    titles = [text.split(",")[0] for text in items]
    assert sorted(titles) == ["Garden walk", "Step-free lunch"]  # once each, nothing with steps

    london = ZoneInfo("Europe/London")
    days = (walk_start.astimezone(london).date() - datetime.now(london).date()).days
    walk_item = next(text for text in items if text.startswith("Garden walk"))
    assert f"(in {days} days)" in walk_item

    # the events page's own step-free filter shows these and hides the rest
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url(re.compile(r"access=step_free"))
    page.locator("main article").first.wait_for()
    listed = page.locator("main article").all_inner_texts()
    assert any("Garden walk" in a for a in listed) and any("Step-free lunch" in a for a in listed)
    assert not any("Upstairs" in a for a in listed)

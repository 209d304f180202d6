"""In a real browser: the organiser's connections page and the printable impact summary (on
screen and as print, one A4 page), and the resident's own connections on their home page."""

from __future__ import annotations

import re

from browsing import log_in
from connectedness_town import a_week_later, build_town


def test_connections_impact_print_and_own(live_server, browser):
    url = live_server.url
    settings = live_server.app.extensions["hearth.settings"]
    with live_server.database.unit_of_work() as session:
        town = a_week_later(session, build_town(session, settings))
        centre_id, organiser, resident = town.centre.id, town.organiser.email, town.a.email

    page = browser.new_context().new_page()
    log_in(page, url, organiser)
    page.goto(url + f"/organiser/centres/{centre_id}/connections")
    assert page.get_by_role("img", name="Recurring ties at the end of each week").count() == 1
    assert "1 recurring tie" in page.locator("ul.measure-words").inner_text()
    page.get_by_role("link", name="The impact summary to print for funders").click()
    page.get_by_role("heading", name="helping neighbours connect").wait_for()
    assert "fewer than 5 recurring ties" in page.locator("ul.measure-words").inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".back-link").is_visible()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # it fits on one page
    page.emulate_media(media="screen")

    other = browser.new_context().new_page()
    log_in(other, url, resident)
    other.goto(url + "/")
    own = other.get_by_role("region", name="Your connections")
    assert "You have 1 neighbour you keep meeting" in own.inner_text()
    assert other.goto(url + f"/organiser/centres/{centre_id}/connections").status == 403

"""In a real browser: an organiser uploads a calendar file, checks the preview, confirms, and the
events are there; then the centre's public page offers its feeds in plain words. axe checks each page."""

from __future__ import annotations

from datetime import date, timedelta

from browsing import log_in
from factories import make_centre, make_user

from store.accounts.models import Role


def _calendar() -> bytes:
    start = date.today() + timedelta(days=6)
    last = start + timedelta(days=21)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Oak Hall website//EN\r\n"
        "BEGIN:VEVENT\r\nUID:yoga@oak.example.net\r\nSUMMARY:Gentle chair yoga\r\n"
        f"DTSTART;TZID=Europe/London:{start:%Y%m%d}T100000\r\nDTEND;TZID=Europe/London:{start:%Y%m%d}T110000\r\n"
        f"RRULE:FREQ=WEEKLY;UNTIL={last:%Y%m%d}T235959Z\r\nDESCRIPTION:Seated and friendly.\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:fair@oak.example.net\r\nSUMMARY:Summer fair\r\n"
        f"DTSTART;VALUE=DATE:{start + timedelta(days=2):%Y%m%d}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_upload_preview_confirm_then_follow_the_centre(live_server, browser, tmp_path):
    url = live_server.url
    with live_server.database.unit_of_work() as session:
        centre = make_centre(session, name="Oak Hall", lat=53.8113, lon=-1.5660)
        make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org")
        centre_id, slug = centre.id, centre.slug
    calendar = tmp_path / "oak-hall.ics"
    calendar.write_bytes(_calendar())
    page = browser.new_context().new_page()
    log_in(page, url, "olu@example.org")
    page.goto(url + "/organiser/")
    page.get_by_role("link", name="Bring in events from a calendar").click()
    page.get_by_role("heading", name="Bring in events from a calendar").wait_for()
    page.get_by_label("A calendar file (.ics)").set_input_files(str(calendar))
    page.get_by_label("Exercise group").check()
    page.get_by_label("Places at each one").fill("12")
    page.get_by_role("button", name="Show me what would be added").click()
    page.get_by_role("heading", name="Check the events before they're added").wait_for()
    table = page.get_by_role("table", name="Events in the calendar")
    assert "Gentle chair yoga" in table.inner_text() and "lasts all day" in table.inner_text()
    page.screenshot(path="/tmp/import-preview.png", full_page=True)
    page.get_by_role("button", name="Yes, bring them in").click()
    page.get_by_text("Done: 1 new event and 1 left as it is").wait_for()
    assert "Gentle chair yoga" in page.locator("main").inner_text()
    page.screenshot(path="/tmp/import-done.png", full_page=True)
    # the same file again: nothing new, and no button to press
    page.goto(url + f"/organiser/import/{centre_id}")
    page.get_by_label("A calendar file (.ics)").set_input_files(str(calendar))
    page.get_by_role("button", name="Show me what would be added").click()
    page.get_by_text("nothing about it has changed").wait_for()
    assert page.get_by_role("button", name="Yes, bring them in").count() == 0
    # a broken file: the error names the line, by the field
    broken = tmp_path / "broken.ics"
    broken.write_bytes(_calendar().replace(b"SUMMARY:Gentle", b"SUMMARY Gentle"))
    page.goto(url + f"/organiser/import/{centre_id}")
    page.get_by_label("A calendar file (.ics)").set_input_files(str(broken))
    page.get_by_role("button", name="Show me what would be added").click()
    page.locator("#file-error").get_by_text("Line 6, column 8").wait_for()
    page.screenshot(path="/tmp/import-error.png", full_page=True)
    # the centre's public page, logged out
    public = browser.new_context().new_page()
    public.goto(url + f"/centres/{slug}")
    public.get_by_role("heading", name="Follow Oak Hall").wait_for()
    assert public.get_by_role("link", name="Add our events to your calendar app").get_attribute("href").startswith(
        "webcal://")
    assert public.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    assert "Gentle chair yoga" in public.locator("main").inner_text()
    public.screenshot(path="/tmp/centre-public.png", full_page=True)

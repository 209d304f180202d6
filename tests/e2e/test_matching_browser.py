"""In a real browser: an organiser posts a meal and runs matching; a resident sees why events are
recommended, accepts a group, finds it in their calendar feed, gives feedback and blocks someone;
another declines and the seat is offered to a neighbour who joined since."""

from __future__ import annotations

from datetime import date, timedelta

from browsing import log_in
from factories import make_centre, make_resident, make_user
from sqlalchemy import select, update

from store.accounts.models import Role
from store.events.models import Occurrence
from store.groups.models import Group, GroupMember, SeatStatus
from store.messages.models import Message
from store.social.models import Block


def _world(server):
    with server.database.unit_of_work() as session:
        centre = make_centre(session, name="Hyde Park Community Hall", lat=53.8113, lon=-1.5660)
        make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org", name="Olu")
        people = [make_resident(session, name=name, email=f"{name.lower()}@example.org", interests=("cooking", "walking"))
                  for name in ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay")]
        return centre.id, [p.email for p in people]


def test_match_accept_feed_feedback_block_and_refill(live_server, browser):
    url = live_server.url
    centre_id, emails = _world(live_server)
    day = (date.today() + timedelta(days=3)).isoformat()

    organiser = browser.new_context().new_page()
    log_in(organiser, url, "olu@example.org")
    organiser.goto(url + "/organiser/events/new")
    organiser.get_by_label("Title").fill("Friday supper")
    organiser.get_by_label("Shared meal").check()
    organiser.get_by_label("Date (the first date, if it repeats)").fill(day)
    organiser.get_by_label("Starts at").fill("18:00")
    organiser.get_by_label("Ends at").fill("20:00")
    organiser.get_by_label("Number of places").fill("20")
    organiser.get_by_role("button", name="Post the event").click()
    organiser.get_by_text("is posted").wait_for()
    organiser.goto(url + f"/organiser/centres/{centre_id}/runs")
    organiser.get_by_role("button", name="Run matching now").click()
    organiser.get_by_text("Matching has started").wait_for()
    organiser.reload()
    organiser.get_by_role("cell", name="Succeeded").first.wait_for()
    assert "6 neighbours could come; 1 group of 6 formed" in organiser.locator("table").inner_text()

    with live_server.database.unit_of_work() as session:  # a neighbour who joins after the run
        latecomer = make_resident(session, name="Gus", email="gus@example.org").id

    ada = browser.new_context().new_page()
    log_in(ada, url, emails[0])
    recs = ada.get_by_role("region", name="Recommended for you")
    recs.get_by_text("Friday supper").wait_for()
    assert "Close to you" in recs.inner_text()  # the reason, in words
    ada.get_by_role("region", name="Your suggested groups").get_by_role("link").first.click()
    ada.get_by_role("heading", name="Why these neighbours").wait_for()
    ada.set_viewport_size({"width": 320, "height": 640})
    assert ada.evaluate("document.documentElement.scrollWidth") <= 320
    ada.get_by_role("button", name="Yes, I'd like to come").click()
    ada.get_by_text("Thank you for saying yes").wait_for()

    ada.goto(url + "/events/calendar")
    ada.get_by_role("button", name="Make my calendar address").click()
    feed = ada.get_by_label("Your calendar address").input_value().replace("webcal://", "http://", 1)
    ics = ada.request.get(feed).text()
    assert "Friday supper" in ics and "BEGIN:VEVENT" in ics

    ben = browser.new_context().new_page()
    ben.on("dialog", lambda dialog: dialog.accept())
    log_in(ben, url, emails[1])
    ben.goto(url + "/groups/")
    ben.get_by_role("link", name="Friday supper").click()
    ben.get_by_role("button", name="Not this time").click()
    ben.get_by_text("thank you for letting us know").wait_for()
    with live_server.database.unit_of_work() as session:
        seat = session.scalar(select(GroupMember).where(GroupMember.user_id == latecomer))
        assert seat is not None and seat.status == SeatStatus.OFFERED
        assert session.scalar(select(Message).where(Message.user_id == latecomer, Message.kind == "group"))
        group_id = seat.group_id
        for other in session.scalars(select(GroupMember).where(GroupMember.group_id == group_id)):
            if other.status == SeatStatus.OFFERED and other.user_id != latecomer:
                other.status = SeatStatus.ACCEPTED
        session.execute(update(Group).where(Group.id == group_id).values(status="confirmed"))
        occurrence = session.get(Occurrence, session.get(Group, group_id).occurrence_id)
        occurrence.starts_at -= timedelta(days=4)  # the meeting has happened
        occurrence.ends_at -= timedelta(days=4)
    live_server.app.extensions["hearth.queue"].enqueue("close_meetings")

    ada.goto(url + f"/groups/{group_id}/feedback")
    ada.get_by_label("Yes, I went").check()
    ada.get_by_role("group", name="Would you like to meet Cara again?").get_by_label("Yes, I'd like to").check()
    ada.get_by_role("group", name="How often do you feel isolated from others?").get_by_label("Some of the time").check()
    ada.get_by_role("button", name="Send").click()
    ada.get_by_text("Thank you for telling us").wait_for()

    ada.goto(url + f"/groups/{group_id}")
    ada.get_by_role("link", name="Don't group me with this person").first.click()
    ada.get_by_role("button", name="Yes, don't group us together").click()
    ada.get_by_text("won't be told").wait_for()
    with live_server.database.unit_of_work() as session:
        assert session.scalar(select(Block).where(Block.blocker_id != latecomer)) is not None

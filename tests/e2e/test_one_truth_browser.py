"""In a real browser, the defects of the one-truth issue stay gone: a yes on a busy date is a seat
everywhere, blocks and reports change the live group (and can be undone), a "no" reads as a no on
every page, and an organiser's pause shows and takes effect."""

from __future__ import annotations

import tempfile
from pathlib import Path

from browsing import log_in
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.models import Role, User
from store.events.models import SignUp, SignupStatus
from store.events.signups import sign_up
from store.groups.matching import run_matching
from store.groups.models import Group, SeatStatus
from store.social.operations import report_person


def _town(server, *, capacity: int, residents: tuple[str, ...], fillers: int = 0):
    """A centre, one meal, the residents, and a matching run, committed as the server sees it."""
    with server.database.unit_of_work() as session:
        settings = server.app.extensions["hearth.settings"]
        centre = make_centre(session, name="Hyde Park Community Hall")
        organiser = make_user(session, role=Role.ORGANISER, centre=centre, email="olu@example.org", name="Olu")
        event, occurrence = make_event(session, settings, centre, organiser, capacity=capacity, title="Soup and bread")
        people = {name: make_resident(session, name=name, email=f"{name.lower()}@example.org")
                  for name in residents}
        for n in range(fillers):
            sign_up(session, settings, occurrence.id, make_user(session, email=f"filler{n}@example.org"))
        run_matching(session, settings, occurrence.id)
        return centre.id, event.id, occurrence.id, {name: user.id for name, user in people.items()}


def _group_of(server, user_id):
    with server.database.unit_of_work() as session:
        group = session.scalars(select(Group)).all()
        mine = [g for g in group if user_id in {s.user_id for s in g.seats}]
        return mine[0].id, [s.user_id for s in mine[0].seats]


def _email(server, user_id) -> str:
    with server.database.unit_of_work() as session:
        return session.get(User, user_id).email


def test_a_yes_on_a_busy_date_is_a_seat_on_every_page(live_server, browser):
    """Defect 1: the group page said "You're coming, and the group is confirmed" while the event
    page said "number 6 on the waiting list" and the feed TENTATIVE."""
    url = live_server.url
    names = ("Rosa", "Shirley", "Lucy", "Dev", "Eli")
    _, event_id, occurrence_id, ids = _town(live_server, capacity=7, residents=names, fillers=2)
    group_id, members = _group_of(live_server, ids["Rosa"])
    with live_server.database.unit_of_work() as session:  # the date is now full: seats held count
        late = make_user(session, email="late@example.org")
        assert sign_up(session, live_server.app.extensions["hearth.settings"], occurrence_id, late).status \
            == SignupStatus.WAITLISTED
    for user_id in members:
        page = browser.new_context().new_page()
        log_in(page, url, _email(live_server, user_id))
        page.goto(url + f"/groups/{group_id}")
        page.get_by_role("button", name="Yes, I'd like to come").click()
        page.get_by_text("Thank you for saying yes").or_(page.get_by_text("your group is on")).first.wait_for()
        page.context.close()
    rosa = browser.new_context().new_page()
    log_in(rosa, url, "rosa@example.org")
    rosa.goto(url + f"/groups/{group_id}")
    rosa.get_by_text("You're coming, and the group is confirmed").wait_for()
    rosa.goto(url + f"/events/{event_id}")
    rosa.get_by_text("You have a seat.").wait_for()
    assert "on the waiting list" not in rosa.locator(f"#date-{occurrence_id}").inner_text()
    rosa.goto(url + "/events/calendar")
    rosa.get_by_role("button", name="Make my calendar address").click()
    address = rosa.get_by_label("Your calendar address").input_value()  # webcal://, as calendar apps want
    feed = rosa.request.get(address.replace("webcal://", "http://", 1)).text()
    assert "STATUS:CONFIRMED" in feed and "TENTATIVE" not in feed
    rosa.goto(url + "/")
    assert "said yes, and the group is on" in rosa.get_by_role("region", name="Your suggested groups").inner_text()
    rosa.screenshot(path=str(_shots() / "one-truth-yes-is-a-seat.png"), full_page=True)


def test_blocks_and_reports_change_the_live_group_and_can_be_undone(live_server, browser):
    """Defect 2: Rosa blocks Shirley and reports Lucy with "never group me"; both used to stay."""
    url = live_server.url
    names = ("Rosa", "Shirley", "Lucy", "Dev", "Eli", "Fay")
    _town(live_server, capacity=20, residents=names)
    group_id, _ = _group_of(live_server, _id(live_server, "rosa"))
    with live_server.database.unit_of_work() as session:
        for name in ("Gus", "Hana"):  # neighbours who join after the run: they can take freed places
            make_resident(session, name=name, email=f"{name.lower()}@example.org")
    rosa = browser.new_context().new_page()
    rosa.on("dialog", lambda dialog: dialog.accept())
    log_in(rosa, url, "rosa@example.org")
    rosa.goto(url + f"/groups/{group_id}")
    shirley_seat, lucy_seat = _seats(live_server, group_id, "shirley"), _seats(live_server, group_id, "lucy")
    rosa.goto(url + f"/groups/{group_id}/people/{shirley_seat}/block")
    rosa.get_by_role("button", name="Yes, don't group us together").click()
    rosa.get_by_text("You won't be placed in a group with them again").wait_for()
    rosa.goto(url + f"/groups/{group_id}/people/{lucy_seat}/report")
    rosa.get_by_label("What happened?").fill("She made unkind remarks about my accent.")
    rosa.get_by_role("button", name="Send to the organisers").click()
    rosa.get_by_text("The centre's organisers will read this carefully").wait_for()
    people = rosa.get_by_role("region", name="Who's invited").inner_text()
    assert "Shirley" not in people and "Lucy" not in people
    rosa.get_by_role("link", name="People you'd rather not be grouped with").click()
    listed = rosa.get_by_role("main").inner_text()
    assert "Shirley" in listed and "Lucy" in listed and "Soup and bread" in listed
    rosa.get_by_role("button", name="Undo for Shirley").first.click()
    rosa.get_by_text("you may be placed in a group with them again").wait_for()
    assert "Shirley" not in rosa.get_by_role("main").inner_text()
    rosa.screenshot(path=str(_shots() / "one-truth-blocks.png"), full_page=True)

    shirley = browser.new_context().new_page()
    log_in(shirley, url, "shirley@example.org")
    shirley.goto(url + "/groups/")
    assert "Soup and bread" not in shirley.get_by_role("main").inner_text()  # quietly out of it
    shirley.goto(url + "/messages")
    shirley.get_by_role("link", name="A change to your group").first.click()
    text = shirley.get_by_role("main").inner_text()
    assert "go ahead without you" in text and "block" not in text.lower() and "report" not in text.lower()


def test_a_no_reads_as_a_no_on_every_page(live_server, browser):
    """Defect 3: after "Not this time" the groups list said "You said yes; waiting for others (you
    said no)" and the home page "(you said yes)"."""
    url = live_server.url
    _town(live_server, capacity=20, residents=("Rosa", "Shirley", "Lucy", "Dev", "Eli"))
    group_id, _ = _group_of(live_server, _id(live_server, "rosa"))
    rosa = browser.new_context().new_page()
    log_in(rosa, url, "rosa@example.org")
    rosa.goto(url + f"/groups/{group_id}")
    rosa.get_by_role("button", name="Not this time").click()
    rosa.get_by_text("thank you for letting us know").wait_for()
    listing = rosa.get_by_role("main").inner_text()
    assert "You said no" in listing and "said yes" not in listing
    rosa.goto(url + "/")
    home = rosa.get_by_role("main").inner_text()
    assert "said yes" not in home
    rosa.goto(url + f"/groups/{group_id}")
    assert "You said no to this group" in rosa.get_by_role("main").inner_text()


def test_an_organisers_pause_shows_and_takes_the_person_out(live_server, browser):
    url = live_server.url
    centre_id, _, _, ids = _town(live_server, capacity=20, residents=("Rosa", "Shirley", "Lucy", "Dev", "Eli"))
    group_id, members = _group_of(live_server, ids["Rosa"])
    with live_server.database.unit_of_work() as session:
        rosa = session.get(User, ids["Rosa"])
        report = report_person(session, rosa, ids["Lucy"], "Shouted at me", centre_id=centre_id, group_id=group_id)
        report_id = report.id
    olu = browser.new_context().new_page()
    log_in(olu, url, "olu@example.org")
    olu.goto(url + f"/organiser/centres/{centre_id}/reports/{report_id}")
    olu.get_by_label("Pause this person from group matching for (days)").fill("30")
    olu.get_by_role("button", name="Save").click()
    olu.get_by_text("Paused until").wait_for()
    with live_server.database.unit_of_work() as session:
        group = session.get(Group, group_id)
        assert ids["Lucy"] not in {s.user_id for s in group.active_seats}
        assert session.scalar(select(SignUp).where(SignUp.user_id == ids["Lucy"],
                                                   SignUp.status == SignupStatus.HELD)) is None
        assert {s.status for s in group.seats if s.user_id == ids["Lucy"]} == {SeatStatus.WITHDRAWN}
    olu.get_by_role("button", name="Lift the pause").click()
    olu.get_by_text("The pause is lifted").wait_for()
    assert "Paused until" not in olu.get_by_role("main").inner_text()


def _id(server, name: str) -> int:
    with server.database.unit_of_work() as session:
        return session.scalar(select(User.id).where(User.email == f"{name}@example.org"))


def _seats(server, group_id: int, name: str) -> int:
    with server.database.unit_of_work() as session:
        group = session.get(Group, group_id)
        uid = session.scalar(select(User.id).where(User.email == f"{name}@example.org"))
        return next(s.id for s in group.seats if s.user_id == uid)


def _shots() -> Path:
    """Screenshots to look at after a run (outside the repository)."""
    folder = Path(tempfile.gettempdir()) / "hearth-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

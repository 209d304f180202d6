"""The download of everything Hearth holds about a person: the zip opens, every file parses, it holds
the person's own data from every feature, and nothing about anyone else beyond what pages show."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from factories import PASSWORD, make_centre, make_event, make_resident, make_user
from sqlalchemy import select

from store.accounts.changes import request_email_change
from store.accounts.models import Role
from store.conversations.writing import centre_reply, start_thread
from store.core.db import utcnow
from store.events.signups import sign_up
from store.groups.matching import run_matching
from store.groups.models import GroupMember, MeetAgain
from store.groups.offers import respond
from store.leaving.export import export_filename, export_zip
from store.leaving.export_parts import PARTS
from store.messages.outbox import queue_message
from store.messages.preferences import set_preferences
from store.places.geocoding import Place
from store.profiles.homes import confirm_home
from store.profiles.models import Profile
from store.social.operations import block, record_checkin, report_person

ME, MY_EMAIL = "Zephyrine Quillfeather", "zephyrine.q@example.org"
SHOWN, SHOWN_EMAIL = "Wilhelmina Outerbridge", "wilhelmina.o@example.org"
HIDDEN, HIDDEN_EMAIL = "Bartholomew Hiddenstone", "bart.h@example.org"


def _files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


@pytest.fixture
def world(db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre, email="organiser.x@example.org")
    _, occurrence = make_event(db, settings, centre, organiser, title="Friday supper")
    me = make_resident(db, name=ME, email=MY_EMAIL, interests=("cooking", "birdwatching"),
                       availability=("tue_evening", "sat_morning"))
    shown = make_resident(db, name=SHOWN, email=SHOWN_EMAIL, show_name=True)
    hidden = make_resident(db, name=HIDDEN, email=HIDDEN_EMAIL, show_name=False)
    others = [make_resident(db) for _ in range(2)]
    confirm_home(db, hidden.id, Place("near Woodhouse Moor, Leeds", 53.8135, -1.5610, 500))
    sign_up(db, settings, occurrence.id, me)
    run_matching(db, settings, occurrence.id)
    seat = db.scalar(select(GroupMember).where(GroupMember.user_id == me.id))
    assert seat is not None
    group = seat.group
    respond(db, settings, group.id, me, accept=True)
    mates = {s.user_id for s in group.seats}
    assert {shown.id, hidden.id} <= mates, "the test needs both in the group"
    db.add(MeetAgain(group_id=group.id, rater_id=me.id, ratee_id=shown.id, again=True))
    db.add(MeetAgain(group_id=group.id, rater_id=shown.id, ratee_id=me.id, again=False))  # about me: not mine
    seat.attended, seat.feedback_at = True, utcnow()
    record_checkin(db, me, companionship=2, left_out=1, isolated=3, follow_up_consent=True)
    record_checkin(db, shown, companionship=1, left_out=1, isolated=1)
    block(db, me, hidden.id, group_id=group.id)
    block(db, shown, me.id)  # never revealed to me
    report_person(db, me, hidden.id, "Talked over everyone, all evening", centre_id=centre.id)
    report_person(db, shown, me.id, "Something about Zephyrine", centre_id=centre.id)
    queue_message(db, to_email=MY_EMAIL, user_id=me.id, subject="A note for you", body="See you on Friday")
    queue_message(db, to_email=SHOWN_EMAIL, user_id=shown.id, subject="Private to Wilhelmina", body="Hers alone")
    request_email_change(db, settings, me, new_email="zephyrine.new@example.org", password=PASSWORD)
    thread = start_thread(db, settings, me, centre.id, subject="Lifts to the supper", body="Is there parking?")
    centre_reply(db, settings, organiser, thread.id, body="Yes, behind the hall.")
    set_preferences(db, me.id, {"feedback": "daily"})
    db.flush()
    return me, shown, hidden, others, group


def test_the_zip_opens_every_file_parses_and_each_part_is_there(db, settings, world):
    me, *_ = world
    files = _files(export_zip(db, me))
    names = {f.rsplit(".", 1)[0] for f in files if f != "README.txt"}
    assert names == {part(db, me).name for part in PARTS}
    assert "README.txt" in files and ME in files["README.txt"]
    for name, text in files.items():
        if name.endswith(".json"):
            json.loads(text)
        elif name.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(text)))
            assert all(None not in row for row in rows), name  # no row wider than its header
    assert export_filename(me).startswith("hearth-my-data-") and "zephyrine" not in export_filename(me).lower()


def test_it_holds_the_persons_own_data_from_every_feature(db, settings, world):
    me, shown, hidden, others, group = world
    files = _files(export_zip(db, me))
    account = json.loads(files["account.json"])
    assert account["email"] == MY_EMAIL and account["name"] == ME
    assert account["email_waiting_for_confirmation"] == "zephyrine.new@example.org"
    profile = json.loads(files["profile.json"])
    assert profile["where"] == {"neighbourhood": None, "area": "near Hyde Park, Leeds"}
    assert "Cooking for others" in profile["interests"] and "Birdwatching" in profile["interests"]
    assert profile["choices"]["include_me_in_groups"] is True
    assert {r["day"] + " " + r["time_of_day"] for r in csv.DictReader(io.StringIO(files["availability.csv"]))} \
        == {"Tuesday evening", "Saturday morning"}
    signups = list(csv.DictReader(io.StringIO(files["signups.csv"])))
    assert [s["event"] for s in signups] == ["Friday supper"] and signups[0]["status"] == "you have a seat"
    groups = json.loads(files["groups.json"])
    assert groups[0]["group"] == group.id and groups[0]["your_answer"] == "accepted"
    names = {o["name"] for o in groups[0]["others"]}
    assert "Wilhelmina" in names and "A neighbour" in names  # as the group page shows them
    feedback = json.loads(files["feedback.json"])
    assert [(f["about"], f["would_meet_again"]) for f in feedback["meet_again"]] == [("Wilhelmina", "yes")]
    assert feedback["meetings"][0]["you_went"] is True
    checkins = json.loads(files["checkins.json"])["answers"]
    assert len(checkins) == 1 and checkins[0]["isolated"] == "Often" and checkins[0]["total_3_to_9"] == 6
    messages = list(csv.DictReader(io.StringIO(files["messages.csv"])))
    assert "A note for you" in [m["subject"] for m in messages]
    blocks = json.loads(files["blocks.json"])
    assert [b["person"] for b in blocks] == ["A neighbour"] and "Friday supper" in blocks[0]["where_you_met"]
    reports = json.loads(files["reports.json"])
    assert [r["you_wrote"] for r in reports] == ["Talked over everyone, all evening"]
    talk = json.loads(files["conversations.json"])
    assert [(p["from"], p["text"]) for p in talk] == [("you", "Is there parking?"),
                                                      ("Hyde Park Hall", "Yes, behind the hall.")]
    assert "organiser.x" not in files["conversations.json"]
    choices = {c["messages"]: c["how_often"] for c in json.loads(files["message_choices.json"])}
    assert choices["Feedback requests"] == "In one daily summary"


def test_nothing_about_anyone_else_beyond_what_the_pages_show(db, settings, world):
    me, shown, hidden, others, group = world
    everything = "\n".join(_files(export_zip(db, me)).values())
    for secret in (SHOWN_EMAIL, HIDDEN_EMAIL, "organiser.x@example.org", "Outerbridge", "Bartholomew",
                   "Hiddenstone", "Woodhouse", "Private to Wilhelmina", "Hers alone", "Something about Zephyrine",
                   *(o.email for o in others), *(o.display_name for o in others)):
        assert secret not in everything, secret
    assert len(json.loads(_files(export_zip(db, me))["feedback.json"])["meet_again"]) == 1  # not what others said
    assert len(json.loads(_files(export_zip(db, me))["blocks.json"])) == 1  # not who blocked me
    mine = db.scalar(select(Profile).where(Profile.user_id == me.id))
    for number in (mine.home_lat, mine.home_lon):
        assert repr(number) not in everything and f"{number:.4f}" not in everything
    assert "home_lat" not in everything and "password" not in json.loads(_files(export_zip(db, me))["account.json"])


def test_each_person_gets_only_their_own(db, settings, world):
    me, shown, *_ = world
    theirs = "\n".join(_files(export_zip(db, shown)).values())
    assert SHOWN_EMAIL in theirs and "Private to Wilhelmina" in theirs
    assert MY_EMAIL not in theirs and "Quillfeather" not in theirs and "Talked over everyone" not in theirs
    reports = json.loads(_files(export_zip(db, shown))["reports.json"])  # their own words, about me by first name
    assert [(r["about"], r["you_wrote"]) for r in reports] == [("Zephyrine", "Something about Zephyrine")]


def test_someone_who_never_answered_anything_still_gets_a_clean_zip(db, settings):
    newcomer = make_user(db, email="new.person@example.org", name="Newcomer")
    files = _files(export_zip(db, newcomer))
    assert json.loads(files["profile.json"]) == {} and json.loads(files["groups.json"]) == []
    assert list(csv.DictReader(io.StringIO(files["signups.csv"]))) == []

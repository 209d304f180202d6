"""Leaving Hearth leaves nothing behind: no copy of an email holds the person's address or name,
their stored messages are gone, their dot leaves the match graph at once, and the reports they
wrote stay for the organisers, from "a former member"."""

from __future__ import annotations

import email as email_lib
from email import policy

import pytest
from factories import make_centre, make_event, make_resident, make_user
from sqlalchemy import func, or_, select

from jobs.tasks import drain_outbox
from store.accounts.models import Role
from store.centres.organisers import invite_organiser
from store.events.signups import sign_up
from store.groups.matching import run_matching
from store.insight.models import GraphSnapshot
from store.insight.snapshots import build_snapshot, latest_snapshot
from store.leaving.operations import delete_account
from store.messages.models import Message
from store.social.models import Report
from store.social.operations import report_person, strengthen_tie

NAME, ADDRESS = "Zephyrine Quillfeather", "zephyrine.q@example.org"


def _texts(path) -> str:
    """Everything a person could read in a stored email: headers and every decoded part."""
    parsed = email_lib.message_from_bytes(path.read_bytes(), policy=policy.default)
    parts = [str(value) for value in parsed.values()]
    for part in parsed.walk():
        if not part.is_multipart():
            content = part.get_content()
            parts.append(content if isinstance(content, str) else content.decode("utf-8", "replace"))
    return "\n".join(parts) + path.read_bytes().decode("utf-8", "replace")


@pytest.fixture
def town(db, settings):
    centre = make_centre(db, name="Hyde Park Hall")
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    invite_organiser(db, settings, centre=centre, email=ADDRESS, invited_by=organiser)  # before they joined
    leaver = make_resident(db, name=NAME, email=ADDRESS)
    others = [make_resident(db) for _ in range(4)]
    return centre, occurrence, leaver, others


def test_no_copy_of_an_email_keeps_the_address_or_the_name(app, db, settings, town):
    centre, occurrence, leaver, others = town
    sign_up(db, settings, occurrence.id, leaver)
    run_matching(db, settings, occurrence.id)
    assert db.scalar(select(func.count(Message.id)).where(Message.to_email == ADDRESS)) >= 3
    assert drain_outbox(app.extensions["hearth.db"], settings) > 0
    copies = list(settings.outbox_path.glob("*.eml"))
    assert sum(ADDRESS in _texts(p) for p in copies) >= 3 and any(NAME in _texts(p) for p in copies)
    kept = [p for p in copies if ADDRESS not in _texts(p)]
    delete_account(db, settings, leaver)
    drain_outbox(app.extensions["hearth.db"], settings)  # what leaving wrote to others goes out too
    left = list(settings.outbox_path.glob("*.eml"))
    assert [p.name for p in left if ADDRESS in _texts(p) or NAME in _texts(p) or "Zephyrine" in _texts(p)] == []
    assert set(kept) <= set(left)  # everyone else's copies stay
    assert db.scalar(select(func.count(Message.id)).where(
        or_(Message.to_email == ADDRESS, Message.user_id == leaver.id))) == 0


def test_the_person_leaves_the_match_graph_at_once(db, settings, town):
    centre, occurrence, leaver, others = town
    strengthen_tie(db, leaver.id, others[0].id, 0.6, met=True)
    run_matching(db, settings, occurrence.id)
    older = build_snapshot(db, settings, centre)
    latest = build_snapshot(db, settings, centre)
    node = f"m{leaver.id}"
    assert any(n["id"] == node for n in latest.data["nodes"])
    assert any(node in (e["source"], e["target"]) for e in latest.data["edges"])
    assert any(node in g["members"] for g in latest.data["groups"])
    members = latest.data["summary"]["members"]
    delete_account(db, settings, leaver)
    for snapshot in (older, latest):
        db.refresh(snapshot)
        data = snapshot.data
        assert node not in {n["id"] for n in data["nodes"]}
        assert not any(node in (e["source"], e["target"]) for e in data["edges"])
        assert not any(node in g["members"] for g in data["groups"])
        assert data["summary"]["members"] == members - 1 == len(data["nodes"])
        assert NAME.split()[0] not in str(data)
    assert latest_snapshot(db, centre.id).id == latest.id  # still the current picture, no rebuild needed
    assert db.scalar(select(func.count(GraphSnapshot.id))) == 2


def test_the_reports_they_wrote_stay_for_the_organisers(db, settings, town):
    centre, occurrence, leaver, others = town
    report = report_person(db, leaver, others[0].id, "Kept talking over everyone", centre_id=centre.id)
    report_id = report.id
    delete_account(db, settings, leaver)
    db.expire_all()
    kept = db.get(Report, report_id)
    assert kept is not None and kept.reporter_id is None and kept.reporter is None
    assert kept.reason == "Kept talking over everyone" and kept.reported_id == others[0].id

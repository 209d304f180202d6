"""Every email's words live in templates: each renders with example values, links come from one
place and reach real pages, nothing is left as an f-string in store/, and the wheel ships them."""

from __future__ import annotations

import ast
import configparser
import fnmatch
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jinja2 import UndefinedError

from store.messages import links
from store.messages.rendering import TEMPLATES, message_names, render

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "store"

_DATE = {"when": "Fri 5 Mar, 18:00", "until": "20:00", "where": "Oak Hall, 1 Test Street"}
_LINK = "http://localhost/somewhere/1"

#: Example values for every message; a new template without an example fails the first test.
EXAMPLES = {
    "account_exists": dict(name="Ada Lovelace", login_link="http://localhost/login",
                           reset_request_link="http://localhost/reset"),
    "account_confirm": dict(name="Ada Lovelace", days=3, confirm_link="http://localhost/confirm/tok"),
    "account_reset": dict(name="Ada Lovelace", minutes=60, reset_link="http://localhost/reset/tok"),
    "account_email_change": dict(name="Ada Lovelace", hours=24, confirm_link="http://localhost/account/email/tok"),
    "account_email_taken": dict(name="Ada Lovelace", login_link="http://localhost/login",
                                reset_request_link="http://localhost/reset"),
    "account_email_changed": dict(name="Ada Lovelace", new_email="ada@example.org", help_address="hello@example.org"),
    "account_password_changed": dict(name="Ada Lovelace", reset_request_link="http://localhost/reset",
                                     help_address="hello@example.org"),
    "organiser_invite": dict(centre="Oak Hall", days=7, invite_link="http://localhost/invite/tok"),
    "report_received": dict(name="Sam", centre="Oak Hall", report_link=_LINK),
    "checkin_invite": dict(name="Ada Lovelace", checkin_link="http://localhost/checkin/"),
    "event_reminder": dict(name="Ada", title="Friday supper", place="Oak Hall", address="1 Test Street",
                           when="Fri 5 Mar, 18:00", event_link=_LINK),
    "event_signed_up": dict(name="Ada", title="Friday supper", position=None, date=_DATE, event_link=_LINK),
    "event_promoted": dict(name="Ada", title="Friday supper", date=_DATE, event_link=_LINK),
    "event_from_centre": dict(name="Ada", centre="Oak Hall", title="Friday supper", when="Fri 5 Mar, 18:00",
                              their_subject="Parking", their_message="Use the back gate.", event_link=_LINK),
    "event_changed": dict(name="Ada", centre="Oak Hall", title="Friday supper", dates=[_DATE, _DATE],
                          event_link=_LINK),
    "event_cancelled": dict(name="Ada", centre="Oak Hall", title="Friday supper", dates=["Fri 5 Mar, 18:00"],
                            reason="The boiler broke.", events_link="http://localhost/events/"),
    "group_offer": dict(name="Ada", what="Friday supper at Oak Hall", when="Fri 5 Mar, 18:00",
                        reason="You all enjoy cooking.", reply_by="Please reply by Friday 5 Mar, 06:00",
                        note="Look for the Hearth sign by the window.", group_link=_LINK,
                        keeps_meeting="This group keeps meeting: most of you said you'd like to meet again."),
    "group_confirmed": dict(name="Ada", what="Friday supper at Oak Hall", when="Fri 5 Mar, 18:00",
                            note="Look for the Hearth sign by the window.", group_link=_LINK),
    "group_note": dict(name="Ada", what="Friday supper at Oak Hall", when="Fri 5 Mar, 18:00",
                       note="Look for the Hearth sign by the window.", group_link=_LINK),
    "group_changed": dict(name="Ada", what="Friday supper at Oak Hall", when="Fri 5 Mar, 18:00"),
    "group_dissolved": dict(name="Ada", what="Friday supper at Oak Hall", when="Fri 5 Mar, 18:00"),
    "group_feedback": dict(name="Ada", what="Friday supper at Oak Hall", feedback_link=_LINK),
    "daily_summary": dict(name="Ada", items=[{"subject": "How did it go?", "link": _LINK}],
                          preferences_link="http://localhost/account/messages"),
    "centre_wrote": dict(name="Sam", who="Ada", centre="Oak Hall", about="The lift",
                         inbox_link="http://localhost/organiser/inbox/1"),
    "centre_reply": dict(name="Ada", centre="Oak Hall", about="The lift", reply="It is fixed.\nSee you!",
                         conversation_link="http://localhost/messages/conversations/1"),
}


def test_every_template_renders_with_example_values():
    assert sorted(EXAMPLES) == message_names()
    for name, values in EXAMPLES.items():
        message = render(name, **values)
        assert message.subject and "\n" not in message.subject and len(message.subject) <= 200, name
        assert message.body.strip() and "{{" not in message.body and "{%" not in message.body, name
        assert "  " not in message.subject and not message.body.startswith("\n"), name
        for key, value in values.items():
            if key.endswith("_link"):
                assert value in message.body, f"{name} lost its {key}"
                if message.html is not None:
                    assert f'href="{value}"' in message.html, f"{name}'s HTML lost its {key}"


def test_a_missing_value_fails_loudly():
    values = dict(EXAMPLES["group_offer"])
    del values["group_link"]
    with pytest.raises(UndefinedError):
        render("group_offer", **values)


def test_html_is_escaped_and_text_is_not():
    message = render("group_confirmed", **dict(EXAMPLES["group_confirmed"], name="<b>Ada</b> & co"))
    assert "Hello <b>Ada</b> & co," in message.body
    assert "&lt;b&gt;Ada&lt;/b&gt; &amp; co" in message.html and "<b>Ada" not in message.html


def test_the_waiting_list_message_does_not_promise_a_seat():
    waiting = render("event_signed_up", **dict(EXAMPLES["event_signed_up"], position=4))
    assert waiting.subject == "You're on the waiting list: Friday supper"
    assert "number 4 on the waiting list" in waiting.body and "leave the waiting list" in waiting.body
    assert "someone else can have the seat" not in waiting.body
    seated = render("event_signed_up", **EXAMPLES["event_signed_up"])
    assert "You have a seat" in seated.body and "Where: Oak Hall, 1 Test Street" in seated.body


def test_every_link_reaches_a_page_of_the_app(app, settings):
    adapter = app.url_map.bind("localhost")
    built = [
        links.login_link(settings), links.reset_request_link(settings), links.reset_link(settings, "tok"),
        links.confirm_link(settings, "tok"), links.invite_link(settings, "tok"), links.events_link(settings),
        links.event_link(settings, 3), links.event_link(settings, 3, 9), links.checkin_link(settings),
        links.group_link(settings, 4), links.feedback_link(settings, 4), links.report_link(settings, 2, 5),
        links.email_change_link(settings, "tok"),
        links.message_link(settings, 3), links.conversation_link(settings, 3), links.inbox_thread_link(settings, 3),
        links.preferences_link(settings), links.centre_link(settings, "oak-hall"),
        links.centre_feed_link(settings, "oak-hall", "ics"),
    ]
    assert len(built) == len(links.__all__) + 1  # event_link twice
    for url in built:
        assert url.startswith(settings.base_url + "/")
        endpoint, _ = adapter.match(urlsplit(url).path, method="GET")  # raises on a 404 or a redirect
        assert endpoint
    assert links.event_link(settings, 3, 9).endswith("/events/3#date-9")


def _store_modules():
    for path in sorted(STORE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text())


def test_no_message_words_or_links_are_left_in_python():
    problems = []
    for path, tree in _store_modules():
        rel = path.relative_to(ROOT)
        in_messages = rel.parts[:2] == ("store", "messages")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                words = {k.arg for k in node.keywords} & {"subject", "body", "html"}
                if name in ("queue_message", "send_once") and words and not in_messages:
                    problems.append(f"{rel}:{node.lineno} writes a message's {sorted(words)} in Python")
            if isinstance(node, ast.JoinedStr) and rel != Path("store/messages/links.py"):
                if "base_url" in ast.unparse(node):
                    problems.append(f"{rel}:{node.lineno} builds a link by hand (use store.messages.links)")
    assert problems == []


def test_the_package_ships_every_template():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    patterns = [p.strip() for p in config["options.package_data"]["*"].split(",")]
    files = [p for p in TEMPLATES.rglob("*") if p.is_file()]
    assert files
    unshipped = [p.name for p in files if not any(fnmatch.fnmatch(p.name, pattern) for pattern in patterns)]
    assert unshipped == []
    assert "store*" in config["options.packages.find"]["include"]

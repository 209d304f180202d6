"""Random strings, NUL bytes, huge numbers and far dates in every form and parameter: never a 5xx.

The surface is found, not listed: every rule of ``app.url_map`` with real ids filled in, the forms
on every page a visitor, a resident, an organiser and an admin can open, and, for the routes that
show a form only in some states, the fields of every form class in ``web/*/forms.py``. Hypothesis
draws the values with a fixed seed and a bounded number of examples, so a run is repeatable and
takes seconds on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import quote, urlencode, urlsplit

import pytest
from factories import csrf_token, login, make_centre, make_event, make_resident, make_user
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from reliability.crawl import FoundForm, crawl, fill_rule, form_class_fields
from store.accounts.models import Role
from store.conversations.writing import start_thread
from store.events import signups
from store.groups.matching import run_matching
from store.groups.models import Group
from store.messages.models import Message
from store.places.neighbourhoods import set_neighbourhood
from store.social.operations import report_person
from web.profile.forms import STEP_FORMS

SEED = 20261202
#: Random examples per form (plus one per two fields) and per page: enough to mix, few enough to be quick.
FORM_EXAMPLES, QUERY_EXAMPLES = 3, 1
#: What would end the fuzzing session itself (each has its own tests in test_sessions.py).
ENDS_THE_SESSION = {"/logout", "/account/log-out-everywhere"}

#: The values that broke pages before, by the kind of field they are aimed at.
CONTROL = ["Friendly\x00 words", "\x00", "Hi\r\nBcc: evil@example.org", "bell\x07", "\x1b[31m", "\u2028", "\uffff"]
HUGE = ["99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649", "1e999", "-1e999", "nan",
        "inf", "1e308"]
FAR = ["9999-12-31", "9999-12-30", "0001-01-01", "31/12/9999", "1899-12-31", "3000-01-01", "2027-13-45"]
ODD = ["", " ", "%00", "\ufeff", "-1", "0", "0.0000001", "29/02/2027", "25:99", "23:59:60", "<script>alert(1)</script>",
       "'; DROP TABLE users; --", "../../etc/passwd", "//evil.example", "https://evil.example/", "x" * 5000, "１２",
       "٣", "Zoë ☕ 🍲", "None", "null", "[]", "{}"]
#: One odd value per field for each kind of input, sent with every other field plausible.
_NOT_OFFERED = ["abc", "99999999999999999999", "Friendly\x00 words"]
AIMED = {"number": ["99999999999999999999", "nan", "abc"], "date": ["9999-12-31", "0001-01-01", "abc"],
         "time": ["25:99", "abc"], "password": ["Friendly\x00 words"], "file": [],
         **{kind: _NOT_OFFERED for kind in ("select", "radio", "checkbox", "hidden")}}
AIMED_TEXT = ["Friendly\x00 words", "Hi\r\nBcc: evil@example.org"]
VALUES = st.one_of(
    st.sampled_from(CONTROL), st.sampled_from(HUGE), st.sampled_from(FAR), st.sampled_from(ODD),
    st.text(max_size=40),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.floats().map(repr),
)
#: What one field receives: mostly one value, sometimes none or several (a tampered form).
ANSWERS = st.one_of(VALUES.map(lambda v: [v]), VALUES.map(lambda v: [v]), st.lists(VALUES, max_size=3))
FILES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"name,lat,lon\nHyde Park,53.81,-1.56\n", b"name,lat,lon\nX,nan,inf\n", b"\xff\xfe\x00\x00",
                     b"name,lat,lon\n\x00,1,2\n", b"name\n" + b"a" * 5000, b"lat,lon\n99999999999999999999,1e999\n"]),
)
SETTINGS = settings(max_examples=FORM_EXAMPLES, database=None, deadline=None, derandomize=False,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])


@pytest.fixture
def settings_override(settings_override):
    # the limits would turn most of the fuzzing at the log-in and sign-up forms into 429s
    return {**settings_override, "login_rate_limit": "100000 per minute", "register_rate_limit": "100000 per minute"}


@pytest.fixture
def world(app, db, settings):
    """A centre with an event, a matched group, a sign-up, a report, a neighbourhood and messages."""
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    admin = make_user(db, role=Role.ADMIN)
    event, occurrence = make_event(db, settings, centre, organiser)
    for i in range(5):
        make_resident(db, name=f"Resident{i} Surname")
    run_matching(db, settings, occurrence.id)
    group = db.scalars(select(Group)).first()
    resident, other = group.seats[0].user, group.seats[1]
    signup = signups.sign_up(db, settings, occurrence.id, resident)
    report = report_person(db, resident, other.user_id, "Was unkind at supper", centre_id=centre.id, group_id=group.id)
    hood = set_neighbourhood(db, centre, "Hyde Park", 53.81, -1.56)
    message = db.scalars(select(Message).where(Message.user_id == resident.id)).first()
    thread = start_thread(db, settings, resident, centre.id, subject="Is there a lift?", body="My knees.")
    db.flush()
    ids = {"centre_id": centre.id, "event_id": event.id, "occurrence_id": occurrence.id, "signup_id": signup.id,
           "group_id": group.id, "seat_id": other.id, "report_id": report.id, "neighbourhood_id": hood.id,
           "message_id": message.id, "token": "no-such-token", "step": "interests", "thread_id": thread.id,
           "index": 0}
    roles = {"visitor": None, "resident": resident, "organiser": organiser, "admin": admin}
    clients = {}
    for role, person in roles.items():
        clients[role] = app.test_client()
        if person is not None:
            assert "Hello" in login(clients[role], person.email).get_data(as_text=True)
    return ids, clients


def _token(client) -> str:
    """A valid CSRF token for this client's session (the fuzz is about the fields, not the token)."""
    return csrf_token(client, "/reset")


def _no_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {what}"


def _send(client, form: FoundForm, data: MultiDict, files: dict, token: str):
    path = urlsplit(form.action).path or form.action
    if form.method == "GET":
        return client.get(path, query_string=data)
    data = MultiDict(data)
    data["csrf_token"] = token
    for name, content in files.items():
        data[name] = (io.BytesIO(content), "fuzz.csv")
    return client.post(path, data=data, content_type="multipart/form-data" if files else None)


def _plausible(form: FoundForm, name: str) -> str | None:
    """A value the field would accept, so that one odd value elsewhere reaches past the form."""
    offered = [v for v in form.fields.get(name, []) if v]
    if offered:
        return offered[0]
    kind = form.types.get(name, "text")
    if kind == "email" or name == "email":
        return "fuzz@example.org"
    if kind == "password":
        return "a perfectly fine passphrase"
    if kind == "date" or name.endswith("_date") or name == "repeat_until":
        return (date.today() + timedelta(days=9 if name == "repeat_until" else 5)).isoformat()
    if kind == "time":
        return "11:00" if name.startswith("end") else "10:00"
    if kind == "number":
        return "2"
    if kind in ("text", "textarea", "search"):
        return "" if name.endswith("dates") else "Friendly words"
    return None


def _filled(form: FoundForm, names, odd: dict[str, list[str]]) -> MultiDict:
    sent = MultiDict()
    for name in names:
        if name in odd:
            for value in odd[name]:
                sent.add(name, value)
        elif (value := _plausible(form, name)) is not None:
            sent.add(name, value)
    return sent


def _fuzz_form(client, form: FoundForm, token: str, *, aimed: bool = True, examples: int | None = None) -> None:
    """Each field's aimed values in turn (the rest plausible), then Hypothesis's random mixes."""
    names = sorted(n for n in form.fields if n != "csrf_token")
    if aimed:
        for name in names:
            for value in AIMED.get(form.types.get(name, "text"), AIMED_TEXT):
                sent = _filled(form, names, {name: [value]})
                _no_5xx(_send(client, form, sent, {}, token), f"{form.method} {form.action} {name}={value!r}")

    @seed(SEED)
    @settings(SETTINGS, max_examples=examples or FORM_EXAMPLES + len(names) // 2)
    @given(st.data())
    def run(data):
        changed = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=min(3, len(names))),
                            label="changed") if names else set()
        sent = _filled(form, names, {name: data.draw(ANSWERS, label=name) for name in sorted(changed)})
        files = {name: data.draw(FILES, label=name) for name in sorted(form.files)}
        _no_5xx(_send(client, form, sent, files, token), f"{form.method} {form.action} {dict(sent.lists())!r}")

    run()


def _fuzz_query(client, url: str, names: list[str]) -> None:
    @seed(SEED)
    @settings(SETTINGS, max_examples=QUERY_EXAMPLES)
    @given(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=4))
    def run(params):
        response = client.get(url + "?" + urlencode(params))
        _no_5xx(response, f"GET {url} {params!r}")

    run()


def _destructive_last(form: FoundForm) -> tuple:
    path = urlsplit(form.action).path
    return any(w in path for w in ("cancel", "decline", "delete", "remove", "block")), path, form.method


def test_no_input_anywhere_gives_a_5xx(app, db, world):
    ids, clients = world
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    gets = [url for r in rules if "GET" in r.methods and (url := fill_rule(r, ids))]
    gets += [f"/profile/{step}" for step in STEP_FORMS if step != ids["step"]]  # one rule, a page per step
    class_fields = form_class_fields()
    every_field = sorted(set().union(*class_fields.values()) | {"next", "then", "back", "what"})

    reached_forms, reached_paths, tokens, fuzzed = 0, set(), {}, set()
    for role, client in clients.items():
        statuses, forms = crawl(client, gets)
        assert all(code < 500 for code in statuses.values()), {u: c for u, c in statuses.items() if c >= 500}
        forms = [f for f in forms if urlsplit(f.action).path not in ENDS_THE_SESSION]
        tokens[role] = token = _token(client)
        for form in sorted(forms, key=_destructive_last):
            reached_paths.add((form.method, urlsplit(form.action).path))
            if form.key in fuzzed:
                continue  # the same form, already fuzzed as someone else (admins see the organisers' pages)
            fuzzed.add(form.key)
            _fuzz_form(client, form, token)
            reached_forms += 1
        query_names = sorted({n for f in forms if f.method == "GET" for n in f.fields} | set(every_field))
        for url in sorted(u for u, code in statuses.items() if code == 200):
            _fuzz_query(client, url, query_names)

    # Routes whose form a page shows only in some states (a place to choose, a token's page):
    # post the fields of every form class to them, as a resident and as an organiser.
    for rule in rules:
        url = fill_rule(rule, ids)
        if url is None or "POST" not in rule.methods or ("POST", url) in reached_paths or url in ENDS_THE_SESSION:
            continue
        synthetic = FoundForm("POST", url, {name: [] for name in every_field})
        for role in ("resident", "organiser"):
            _fuzz_form(clients[role], synthetic, tokens[role], aimed=False, examples=12)
            reached_forms += 1

    # Path arguments: ids far beyond any column, and strings where a token or a step goes.
    for rule in rules:
        for arg in rule.arguments:
            odd = (["0", "2147483648", "99999999999999999999"] if f"<int:{arg}>" in rule.rule
                   else [quote(v, safe="") for v in ("\x00", "a" * 3000, "..%2f..", "\r\nX: 1", "Zoë")])
            for value in odd:
                url = fill_rule(rule, {**ids, arg: value})
                for method in sorted(rule.methods & {"GET", "POST"}):
                    role = ("organiser" if "organiser" in rule.rule or "neighbourhoods" in rule.rule
                            else "admin" if "admin" in rule.rule else "resident")
                    data = {"csrf_token": tokens[role]} if method == "POST" else None
                    client = clients[role]
                    if url not in ENDS_THE_SESSION:
                        _no_5xx(client.open(url, method=method, data=data), f"{method} {url}")

    assert reached_forms >= 45, reached_forms  # the crawl found the forms (a broken crawl would pass anything)
    for role in ("resident", "organiser", "admin"):
        assert clients[role].get("/account").status_code == 200, f"the {role} was logged out by the fuzz"

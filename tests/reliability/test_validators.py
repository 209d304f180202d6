"""The checks every form shares (web/validators.py), on their own and through a real form."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, FloatField, IntegerField, SelectMultipleField, StringField, TextAreaField

import web
from web.validators import HearthForm, PlainText, has_control_characters, safe_path


@pytest.mark.parametrize("text, multiline, bad", [
    ("Friday supper", False, False),
    ("Zoë’s café ☕ 🍲", False, False),
    ("a\x00b", False, True),
    ("a\x00b", True, True),
    ("line one\nline two", False, True),
    ("line one\r\nline two\tend", True, False),
    ("escape \x1b[31m", True, True),
    ("delete \x7f", True, True),
    ("c1 \x85 next line", True, True),
    ("separator \u2028", True, True),
    ("nonchar \uffff", False, True),
])
def test_control_characters(text, multiline, bad):
    assert has_control_characters(text, multiline=multiline) is bad


@pytest.mark.parametrize("target, ok", [
    ("/events/?page=2", True),
    ("/account", True),
    ("/organiser/events/3#date-4", True),
    ("", False),
    ("events", False),
    ("//evil.example/", False),
    ("/\\evil.example/", False),
    ("https://evil.example/", False),
    ("/\r\nX-Injected:1", False),
    ("/\t/evil.example", False),
    ("/ok path", False),
    ("/" + "a" * 3000, False),
])
def test_safe_path(target, ok):
    assert (safe_path(target) == target) is ok


class _Everything(HearthForm):
    class Meta:
        csrf = False

    name = StringField()
    note = TextAreaField()
    count = IntegerField()
    km = FloatField()
    day = DateField()
    tags = SelectMultipleField(choices=[("a", "A")], validate_choice=False)
    plain = StringField(validators=[PlainText(multiline=True)])


def _form(app, **data):
    with app.test_request_context("/"):
        form = _Everything(MultiDict(data))
        return form.validate(), form.errors


def test_ordinary_answers_pass(app):
    valid, errors = _form(app, name="June", note="Hello,\nsee you there", count="12", km="2.5", day="2027-03-01",
                          tags="a")
    assert valid, errors


@pytest.mark.parametrize("field, value", [
    ("name", "Ju\x00ne"), ("name", "two\nlines"), ("note", "body \x00"), ("tags", "cook\x00ing"),
    ("count", "99999999999999999999"), ("km", "nan"), ("km", "inf"), ("km", "-1e999"),
    ("day", "9999-12-31"), ("day", "0001-01-01"), ("plain", "\x07bell"),
])
def test_the_shared_checks_refuse_with_a_message_by_the_field(app, field, value):
    valid, errors = _form(app, **{field: value})
    assert not valid
    assert list(errors) == [field]
    assert errors[field] and all(isinstance(m, str) and m for m in errors[field])


def test_every_form_in_web_is_a_hearth_form():
    forms = []
    for info in pkgutil.iter_modules(web.__path__):
        try:
            module = importlib.import_module(f"web.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        forms += [obj for obj in vars(module).values()
                  if inspect.isclass(obj) and issubclass(obj, FlaskForm) and obj.__module__ == module.__name__]
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, HearthForm)] == []


def test_dates_in_range_pass(app):
    assert _form(app, day=date.today().isoformat())[0]

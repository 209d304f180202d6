"""The shared form macros put ARIA attributes on a field only when they have a real value."""

from __future__ import annotations

import re

from flask import render_template_string
from werkzeug.datastructures import MultiDict

from web.auth.forms import LoginForm, RegisterForm

TEMPLATE = """{% from "_forms.html" import field, form_errors %}{{ form_errors(form) }}
{% for f in form if f.type != 'CSRFTokenField' %}{{ field(f, hint=hints.get(f.name), maxlength=None) }}{% endfor %}"""


def _render(app, form_class, data=None, hints=None):
    with app.test_request_context("/", method="POST" if data is not None else "GET"):
        form = form_class(formdata=MultiDict(data) if data is not None else None, meta={"csrf": False})
        if data is not None:
            form.validate()
        return render_template_string(TEMPLATE, form=form, hints=hints or {})


def test_no_attribute_ever_reads_none(app):
    for form_class in (LoginForm, RegisterForm):
        for data in (None, {}, {"email": "not an address"}):
            html = _render(app, form_class, data)
            assert '"None"' not in html, html
            assert "aria-invalid=\"None\"" not in html and "aria-describedby=\"None\"" not in html


def test_a_clean_field_has_no_aria_and_a_hinted_one_points_at_its_hint(app):
    html = _render(app, LoginForm, hints={"email": "The one you joined with."})
    email = re.search(r"<input[^>]*id=\"email\"[^>]*>", html).group(0)
    password = re.search(r"<input[^>]*id=\"password\"[^>]*>", html).group(0)
    assert 'aria-describedby="email-hint"' in email and "aria-invalid" not in email
    assert 'id="email-hint"' in html
    assert "aria-describedby" not in password and "aria-invalid" not in password


def test_an_error_marks_the_field_invalid_and_describes_it(app):
    html = _render(app, RegisterForm, {"display_name": "", "email": "x@example.org"},
                   hints={"display_name": "Your first name is fine."})
    name = re.search(r"<input[^>]*id=\"display_name\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in name
    assert 'aria-describedby="display_name-hint display_name-error"' in name
    assert 'id="display_name-error"' in html and 'id="display_name-hint"' in html
    # every id a field refers to exists on the page
    for refs in re.findall(r'aria-describedby="([^"]+)"', html):
        for ref in refs.split():
            assert f'id="{ref}"' in html, ref

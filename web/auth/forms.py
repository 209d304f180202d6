"""Forms for joining, logging in, resetting a password and accepting an invitation."""

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from web.validators import HearthForm, SameSitePath

__all__ = ["LoginForm", "NextForm", "RegisterForm", "ResetRequestForm", "ResetForm", "InviteAcceptForm", "ConfirmForm",
           "DeleteAccountForm", "LogOutEverywhereForm"]

_EMAIL = [DataRequired("Please enter your email address."), Email("Please enter a valid email address."), Length(max=254)]
_NAME = [DataRequired("Please tell us what to call you."), Length(max=80, message="Please keep this under 80 characters.")]
_NEW_PASSWORD = [DataRequired("Please choose a password."), Length(max=128, message="Please use at most 128 characters.")]


class LoginForm(HearthForm):
    email = EmailField("Email address", validators=_EMAIL)
    password = PasswordField("Password", validators=[DataRequired("Please enter your password."), Length(max=128)])
    remember = BooleanField("Keep me logged in on this device")


class NextForm(HearthForm):
    """The log-in page's query string: where to go afterwards, only ever a path on this site."""

    class Meta:
        csrf = False

    next = StringField(validators=[Optional(), Length(max=2000), SameSitePath()])


class RegisterForm(HearthForm):
    display_name = StringField("What should we call you?", validators=_NAME)
    email = EmailField("Email address", validators=_EMAIL)
    password = PasswordField("Choose a password", validators=_NEW_PASSWORD)
    confirm = PasswordField(
        "Type the password again", validators=[DataRequired("Please type the password again."), EqualTo("password", "The two passwords don't match.")]
    )


class ResetRequestForm(HearthForm):
    email = EmailField("Email address", validators=_EMAIL)


class ResendConfirmationForm(HearthForm):
    email = EmailField("Email address", validators=_EMAIL)


class ResetForm(HearthForm):
    password = PasswordField("New password", validators=_NEW_PASSWORD)
    confirm = PasswordField(
        "Type the new password again", validators=[DataRequired("Please type the password again."), EqualTo("password", "The two passwords don't match.")]
    )


class InviteAcceptForm(HearthForm):
    display_name = StringField("Your name, as other organisers will see it", validators=_NAME)
    password = PasswordField("Choose a password", validators=_NEW_PASSWORD)
    confirm = PasswordField(
        "Type the password again", validators=[DataRequired("Please type the password again."), EqualTo("password", "The two passwords don't match.")]
    )


class ConfirmForm(HearthForm):
    """An empty form: a button that spends a single-use link (so link previews cannot)."""


class DeleteAccountForm(HearthForm):
    password = PasswordField("Your password", validators=[DataRequired("Please enter your password to confirm.")])


class LogOutEverywhereForm(HearthForm):
    """A button: end every session of this person, on every device."""

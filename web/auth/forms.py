"""Forms for joining, logging in, resetting a password, accepting an invitation and the account page."""

from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from store.accounts.operations import password_problem
from web.validators import HearthForm, SameSitePath

__all__ = ["LoginForm", "NextForm", "RegisterForm", "ResetRequestForm", "ResetForm", "InviteAcceptForm", "ConfirmForm",
           "DeleteAccountForm", "LogOutEverywhereForm", "NameForm", "EmailChangeForm", "PasswordChangeForm",
           "AccountButtonForm", "ApiTokenForm"]

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


# ---------------------------------------------------------------------------- the account page
# Field names differ between the page's forms (``new_email``, ``current_password`` ...), so the
# ids of their inputs never clash when all of them are on one page.

class NameForm(HearthForm):
    display_name = StringField("Your name", validators=_NAME)


class EmailChangeForm(HearthForm):
    new_email = EmailField("New email address", validators=_EMAIL)
    email_password = PasswordField(
        "Your password", validators=[DataRequired("Please enter your password to confirm."), Length(max=128)])


class PasswordChangeForm(HearthForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Please enter your current password."), Length(max=128)])
    new_password = PasswordField("New password", validators=_NEW_PASSWORD)
    confirm_password = PasswordField(
        "Type the new password again", validators=[DataRequired("Please type the new password again."),
                                                   EqualTo("new_password", "The two new passwords don't match.")]
    )

    #: The account whose password this is (set by the view), so the new one's rules are checked
    #: here too and a short password that also doesn't match hears about both.
    owner = None

    def validate_new_password(self, field) -> None:
        owner = self.owner
        problem = password_problem(field.data or "", email=getattr(owner, "email", ""),
                                   name=getattr(owner, "display_name", ""))
        if problem:
            raise ValidationError(problem)


class AccountButtonForm(HearthForm):
    """A button on the account page (download my data, cancel an email change)."""


class ApiTokenForm(HearthForm):
    """Make a personal access token: what it is for, what it may do, and for how long."""

    name = StringField("What is it for?", validators=[
        DataRequired("Please give the token a name, so you know later what it is for."),
        Length(max=80, message="Please keep this under 80 characters.")])
    scopes = RadioField("What may it do?", choices=[("read", "Only read"), ("read_write", "Read and make changes")],
                        default="read", validators=[DataRequired("Please choose what the token may do.")])
    days = RadioField("How long should it work?", choices=[("30", "30 days"), ("90", "90 days"), ("365", "A year")],
                      default="90", validators=[DataRequired("Please choose how long the token should work.")])

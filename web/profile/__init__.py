"""The resident's profile in the browser: a short questionnaire, a private location, a summary."""

__all__: list[str] = []

"""Background work on a task queue: matching runs, reminders and feedback prompts."""

__all__: list[str] = []

"""Events: events and dates, seats and waiting lists, search, calendars, notices, reminders."""

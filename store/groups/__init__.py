"""Groups: candidates for a date, the matching call, offers and answers, a group's life."""

"""Messages: the outbox, send-once keys, the templates of every email, links in one place."""

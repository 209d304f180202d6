"""Messages pages: attachments, marking read, writing to a centre, the organisers' inbox, preferences."""

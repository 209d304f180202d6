"""Conversations: a resident writing to their own centre, and the centre's organisers replying."""

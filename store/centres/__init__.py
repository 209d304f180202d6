"""Centres: community centres, organisers and invitations, a centre's area."""

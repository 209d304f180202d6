"""accounts: when a person last changed something (their own changes are never served stale)

Revision ID: 0014_accounts_last_wrote
Revises: 0011_groups_continuing
Create Date: 2026-12-01 22:55:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0014_accounts_last_wrote'
down_revision = '0011_groups_continuing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('last_wrote_at', store.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('last_wrote_at')

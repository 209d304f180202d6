"""events: the UID an event was imported with from an iCalendar file, so importing it again changes it
instead of adding it twice

Revision ID: 0016_events_import_uid
Revises: 0014_accounts_last_wrote
Create Date: 2026-12-02 04:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_events_import_uid'
down_revision = '0014_accounts_last_wrote'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('import_uid', sa.String(length=255), nullable=True))
        batch.create_unique_constraint('uq_events_centre_import_uid', ['centre_id', 'import_uid'])


def downgrade():
    with op.batch_alter_table('events') as batch:
        batch.drop_constraint('uq_events_centre_import_uid', type_='unique')
        batch.drop_column('import_uid')

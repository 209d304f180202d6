"""events: access notes and guests allowed per event; guests on a sign-up

Revision ID: 0010_events_guests_notes
Revises: 0010_account_email_change
Create Date: 2026-12-01 18:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_events_guests_notes'
down_revision = '0010_account_email_change'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_notes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('max_guests', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guests', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('guests')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('max_guests')
        batch_op.drop_column('access_notes')

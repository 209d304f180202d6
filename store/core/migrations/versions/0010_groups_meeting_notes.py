"""groups: meeting notes an organiser leaves for a group or a whole date

Revision ID: 0010_groups_meeting_notes
Revises: 0006_job_leases
Create Date: 2026-12-01 18:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0010_groups_meeting_notes'
down_revision = '0006_job_leases'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurrence_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('group_key', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['occurrence_id'], ['event_occurrences.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('occurrence_id', 'group_key'),
    )
    with op.batch_alter_table('meeting_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_notes_occurrence_id'), ['occurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_notes_group_id'), ['group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_notes_group_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_notes_occurrence_id'))
    op.drop_table('meeting_notes')

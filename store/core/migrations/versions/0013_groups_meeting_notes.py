"""groups: meeting notes for a group or a date; one weekly check-in per person per week

Revision ID: 0010_groups_meeting_notes
Revises: 0010_messages_threads
Create Date: 2026-12-01 18:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0010_groups_meeting_notes'
down_revision = '0010_messages_threads'
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
    # Check-ins kept before this have no week (NULL), so earlier repeats stay as they were.
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period', sa.String(length=10), nullable=True))
        batch_op.create_unique_constraint('uq_checkins_user_period', ['user_id', 'period'])


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint('uq_checkins_user_period', type_='unique')
        batch_op.drop_column('period')
    with op.batch_alter_table('meeting_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_notes_group_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_notes_occurrence_id'))
    op.drop_table('meeting_notes')

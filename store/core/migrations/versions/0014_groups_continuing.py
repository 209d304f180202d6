"""groups: standing groups that keep meeting (a group continues an earlier one) and a member's
"I'd rather meet new people next time"

Revision ID: 0011_groups_continuing
Revises: 0010_groups_meeting_notes
Create Date: 2026-12-01 22:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0011_groups_continuing'
down_revision = '0010_groups_meeting_notes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('continues_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_groups_continues_id'), ['continues_id'], unique=False)
        batch_op.create_foreign_key('fk_groups_continues_id_groups', 'groups', ['continues_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rather_new_at', store.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_column('rather_new_at')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_constraint('fk_groups_continues_id_groups', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_groups_continues_id'))
        batch_op.drop_column('continues_id')

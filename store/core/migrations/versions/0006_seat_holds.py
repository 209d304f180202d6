"""seat holds for group offers, organisers' pauses, where a block was made

Revision ID: 0006_seat_holds
Revises: 0005
Create Date: 2026-12-01 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_seat_holds'
down_revision = '0005'
branch_labels = None
depends_on = None

_OLD = ('confirmed', 'waitlisted', 'cancelled', 'attended', 'no_show')
_NEW = _OLD + ('held',)


def upgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.Enum(*_OLD, name='signupstatus', native_enum=False, length=16),
                              type_=sa.Enum(*_NEW, name='signupstatus', native_enum=False, length=16),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('hold_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held_from', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_signups_hold_group_id_groups'), 'groups', ['hold_group_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_paused_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('organiser_paused_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_profiles_organiser_paused_by_id_users'), 'users',
                                    ['organiser_paused_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('blocks', schema=None) as batch_op:
        batch_op.drop_column('group_id')
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_profiles_organiser_paused_by_id_users'), type_='foreignkey')
        batch_op.drop_column('organiser_paused_by_id')
        batch_op.drop_column('organiser_paused_until')
    op.execute("UPDATE signups SET status = 'cancelled' WHERE status = 'held'")
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signups_hold_group_id_groups'), type_='foreignkey')
        batch_op.drop_column('held_from')
        batch_op.drop_column('hold_group_id')
        batch_op.alter_column('status', existing_type=sa.Enum(*_NEW, name='signupstatus', native_enum=False, length=16),
                              type_=sa.Enum(*_OLD, name='signupstatus', native_enum=False, length=16),
                              existing_nullable=False)

"""messages that failed for good, HTML alternatives, and reports that outlive their writer

Revision ID: 0006_message_failures
Revises: 0006_seat_holds
Create Date: 2026-11-27 10:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0006_message_failures'
down_revision = '0006_seat_holds'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', store.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_failed_at'), ['failed_at'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('reporter_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_reports_reporter_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_reports_reporter_id_users'), 'users', ['reporter_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    op.execute("DELETE FROM reports WHERE reporter_id IS NULL")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_reporter_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_reports_reporter_id_users'), 'users', ['reporter_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.alter_column('reporter_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_failed_at'))
        batch_op.drop_column('failed_at')
        batch_op.drop_column('html')

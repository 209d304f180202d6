"""messages: topics, held for a daily summary, preferences; conversations between residents and centres

Revision ID: 0010_messages_threads
Revises: 0010_events_guests_notes
Create Date: 2026-12-01 18:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0010_messages_threads'
down_revision = '0010_events_guests_notes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=20), nullable=False, server_default='always'))
        batch_op.add_column(sa.Column('held', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('summary_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_held'), ['held'], unique=False)
        batch_op.create_foreign_key('fk_outbox_messages_summary_id', 'outbox_messages', ['summary_id'], ['id'],
                                    ondelete='SET NULL')

    op.create_table(
        'message_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=20), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('updated_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'topic'),
    )
    op.create_table(
        'conversation_threads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('centre_id', sa.Integer(), nullable=False),
        sa.Column('resident_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=120), nullable=False),
        sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('handled_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resident_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_conversation_threads_centre_updated', 'conversation_threads', ['centre_id', 'updated_at'])
    op.create_index(op.f('ix_conversation_threads_resident_id'), 'conversation_threads', ['resident_id'])
    op.create_table(
        'conversation_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('from_centre', sa.Boolean(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['thread_id'], ['conversation_threads.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_conversation_posts_thread_id'), 'conversation_posts', ['thread_id'])
    op.create_index(op.f('ix_conversation_posts_author_id'), 'conversation_posts', ['author_id'])
    op.create_index(op.f('ix_conversation_posts_created_at'), 'conversation_posts', ['created_at'])
    op.create_index(op.f('ix_conversation_posts_message_id'), 'conversation_posts', ['message_id'])


def downgrade():
    op.drop_table('conversation_posts')
    op.drop_table('conversation_threads')
    op.drop_table('message_preferences')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_messages_summary_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_held'))
        batch_op.drop_column('summary_id')
        batch_op.drop_column('held')
        batch_op.drop_column('topic')

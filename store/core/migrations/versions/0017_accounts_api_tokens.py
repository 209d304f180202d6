"""accounts: personal access tokens for other tools (only a digest of each secret is kept)

Revision ID: 0017_accounts_api_tokens
Revises: 0016_events_import_uid
Create Date: 2026-12-02 12:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0017_accounts_api_tokens'
down_revision = '0016_events_import_uid'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.Enum('read', 'read_write', name='apiscope', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_tokens_secret_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')

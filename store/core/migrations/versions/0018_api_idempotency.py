"""accounts: what a token's POST with an Idempotency-Key answered, so a retry replays it

Revision ID: 0018_api_idempotency
Revises: 0017_accounts_api_tokens
Create Date: 2026-12-02 21:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0018_api_idempotency'
down_revision = '0017_accounts_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_idempotency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_idempotency_token_id_api_tokens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency')),
    sa.UniqueConstraint('token_id', 'key', name='uq_api_idempotency_token_key')
    )


def downgrade():
    op.drop_table('api_idempotency')

"""account tokens can carry a new email address (changing one's email, confirmed by a link)

Revision ID: 0010_account_email_change
Revises: 0006_job_leases
Create Date: 2026-12-01 18:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_account_email_change'
down_revision = '0006_job_leases'
branch_labels = None
depends_on = None


def upgrade():
    # TokenPurpose gains "email_change": the purpose column is a plain VARCHAR(16) (a non-native
    # enum without a CHECK constraint), so it needs no change. A plain ADD COLUMN (no batch copy).
    op.add_column('account_tokens', sa.Column('new_email', sa.String(length=254), nullable=True))


def downgrade():
    op.execute("DELETE FROM account_tokens WHERE purpose = 'email_change'")
    op.drop_column('account_tokens', 'new_email')

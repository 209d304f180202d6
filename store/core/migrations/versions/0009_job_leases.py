"""job run leases: owner, lease_until, and the job call to queue again

Revision ID: 0006_job_leases
Revises: 0006_session_generation
Create Date: 2026-12-02 10:00:00.000000
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0006_job_leases'
down_revision = '0006_session_generation'
branch_labels = None
depends_on = None


def upgrade():
    # RunStatus gains "interrupted": the status column is a plain VARCHAR(16) (a non-native
    # enum without a CHECK constraint), so it needs no change.
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('job_args', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('owner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_until', store.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_runs_lease_until'), ['lease_until'], unique=False)

    # Runs left "running" by workers that stopped before there were leases get an hour's lease:
    # a run still going finishes well before then; the rest the reaper marks interrupted.
    runs = sa.table('job_runs', sa.column('status', sa.String),
                    sa.column('lease_until', store.core.db.UTCDateTime(timezone=True)))
    op.get_bind().execute(runs.update().where(runs.c.status == 'running')
                          .values(lease_until=datetime.now(timezone.utc) + timedelta(hours=1)))


def downgrade():
    op.execute("UPDATE job_runs SET status = 'failed' WHERE status = 'interrupted'")
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_lease_until'))
        batch_op.drop_column('lease_until')
        batch_op.drop_column('owner')
        batch_op.drop_column('job_args')
        batch_op.drop_column('job')

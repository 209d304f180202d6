"""Events, their occurrences and venues, sign-ups with waiting lists, and personal calendar feeds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 21:59:32.554222
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_venues_centre_id_centres'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues'))
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venues_centre_id'), ['centre_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('recurrence', sa.String(length=16), nullable=False),
    sa.Column('repeat_until', sa.Date(), nullable=True),
    sa.Column('skipped_dates', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('step_free', sa.Boolean(), nullable=False),
    sa.Column('hearing_loop', sa.Boolean(), nullable=False),
    sa.Column('quiet', sa.Boolean(), nullable=False),
    sa.Column('dietary', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('cost_note', sa.String(length=120), nullable=False),
    sa.Column('signup_deadline_hours', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_events_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_events_venue_id_venues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_kind'), ['kind'], unique=False)

    op.create_table('event_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('starts_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('cancelled_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_occurrences_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_occurrences')),
    sa.UniqueConstraint('event_id', 'local_date', name='uq_event_occurrences_event_date')
    )
    with op.batch_alter_table('event_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_occurrences_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_event_occurrences_lat_lon', ['lat', 'lon'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_occurrences_local_date'), ['local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_occurrences_starts_at'), ['starts_at'], unique=False)

    op.create_table('event_tags',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_tags_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'tag', name=op.f('pk_event_tags'))
    )
    with op.batch_alter_table('event_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_tags_tag'), ['tag'], unique=False)

    op.create_table('signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', 'attended', 'no_show', name='signupstatus', native_enum=False, length=16), nullable=False),
    sa.Column('queue_no', sa.Integer(), nullable=True),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('waitlisted_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', store.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['occurrence_id'], ['event_occurrences.id'], name=op.f('fk_signups_occurrence_id_event_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signups_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signups')),
    sa.UniqueConstraint('occurrence_id', 'user_id', name='uq_signups_occurrence_user')
    )
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.create_index('ix_signups_occurrence_status', ['occurrence_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_signups_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signups_user_id'))
        batch_op.drop_index('ix_signups_occurrence_status')

    op.drop_table('signups')
    with op.batch_alter_table('event_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_tags_tag'))

    op.drop_table('event_tags')
    with op.batch_alter_table('event_occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_occurrences_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_occurrences_local_date'))
        batch_op.drop_index('ix_event_occurrences_lat_lon')
        batch_op.drop_index(batch_op.f('ix_event_occurrences_event_id'))

    op.drop_table('event_occurrences')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_kind'))
        batch_op.drop_index(batch_op.f('ix_events_centre_id'))

    op.drop_table('events')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_centre_id'))

    op.drop_table('venues')
    op.drop_table('calendar_feeds')

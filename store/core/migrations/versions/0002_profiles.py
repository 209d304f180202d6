"""profiles, places and profile vectors: resident profiles with a coarse home point, centre
neighbourhoods, loaded postcodes, the geocoding cache and the fitted profile vectorizer

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:56:38.462477
"""
import sqlalchemy as sa
from alembic import op

import store.core.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('geocode_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('query_key', sa.String(length=64), nullable=False),
    sa.Column('places', sa.JSON(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geocode_cache')),
    sa.UniqueConstraint('provider', 'query_key', name='uq_geocode_cache_provider_query')
    )
    op.create_table('postcodes',
    sa.Column('postcode', sa.String(length=12), nullable=False),
    sa.Column('outward', sa.String(length=6), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('loaded_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('postcode', name=op.f('pk_postcodes'))
    )
    with op.batch_alter_table('postcodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postcodes_outward'), ['outward'], unique=False)

    op.create_table('profile_vectorizers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('fitted', sa.LargeBinary(), nullable=False),
    sa.Column('profiles_seen', sa.Integer(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_vectorizers')),
    sa.UniqueConstraint('version', name=op.f('uq_profile_vectorizers_version'))
    )
    op.create_table('neighbourhoods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_neighbourhoods_centre_id_centres'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_neighbourhoods')),
    sa.UniqueConstraint('centre_id', 'name', name='uq_neighbourhoods_centre_name')
    )
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_neighbourhoods_centre_id'), ['centre_id'], unique=False)

    op.create_table('profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('value_answers', sa.JSON(), nullable=False),
    sa.Column('availability', sa.JSON(), nullable=False),
    sa.Column('wants', sa.JSON(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.String(length=20), nullable=True),
    sa.Column('new_faces', sa.String(length=20), nullable=True),
    sa.Column('travel_km', sa.Float(), nullable=True),
    sa.Column('travel_mode', sa.String(length=10), nullable=True),
    sa.Column('access_needs', sa.JSON(), nullable=False),
    sa.Column('dietary', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('include_in_matching', sa.Boolean(), nullable=False),
    sa.Column('show_first_name', sa.Boolean(), nullable=False),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('home_lat', sa.Float(), nullable=True),
    sa.Column('home_lon', sa.Float(), nullable=True),
    sa.Column('home_precision_m', sa.Integer(), nullable=True),
    sa.Column('place_label', sa.String(length=200), nullable=False),
    sa.Column('neighbourhood', sa.String(length=120), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=True),
    sa.Column('vector_version', sa.String(length=40), nullable=True),
    sa.Column('steps_done', sa.JSON(), nullable=False),
    sa.Column('created_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_profiles_user_id'))
    )
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profiles_vector_version'), ['vector_version'], unique=False)


def downgrade():
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profiles_vector_version'))

    op.drop_table('profiles')
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_neighbourhoods_centre_id'))

    op.drop_table('neighbourhoods')
    op.drop_table('profile_vectorizers')
    with op.batch_alter_table('postcodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postcodes_outward'))

    op.drop_table('postcodes')
    op.drop_table('geocode_cache')
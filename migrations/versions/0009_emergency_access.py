"""emergency access grants

Revision ID: 0009_emergency_access
Revises: 0008_cue_guides
Create Date: 2026-11-26 03:34:37.764137

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_emergency_access'
down_revision = '0008_cue_guides'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('emergency_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('expiry_recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_emergency_access_ended_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_emergency_access_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_access'))
    )
    with op.batch_alter_table('emergency_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_access_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_emergency_access_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('emergency_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emergency_access_user_id'))
        batch_op.drop_index(batch_op.f('ix_emergency_access_expires_at'))

    op.drop_table('emergency_access')

"""evidence packs rendered in the background

Revision ID: 0011_pack_renders
Revises: 0010_passkeys
Create Date: 2026-11-26 04:06:16.610433

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_pack_renders'
down_revision = '0010_passkeys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pack_renders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('first_week', sa.Date(), nullable=False),
    sa.Column('last_week', sa.Date(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('region_name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_pack_renders_region_id_regions')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_pack_renders_requested_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_renders'))
    )
    with op.batch_alter_table('pack_renders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pack_renders_requested_by_id'), ['requested_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pack_renders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pack_renders_requested_by_id'))

    op.drop_table('pack_renders')

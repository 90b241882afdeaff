"""cue guide versions

Revision ID: 0008_cue_guides
Revises: 0007_cluster_actions
Create Date: 2026-11-26 02:11:23.575690

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_cue_guides'
down_revision = '0007_cluster_actions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cue_guide_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cue_guide_versions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cue_guide_versions')),
    sa.UniqueConstraint('role', 'version', name=op.f('uq_cue_guide_versions_role'))
    )
    with op.batch_alter_table('cue_guide_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cue_guide_versions_role'), ['role'], unique=False)



def downgrade():
    with op.batch_alter_table('cue_guide_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cue_guide_versions_role'))

    op.drop_table('cue_guide_versions')

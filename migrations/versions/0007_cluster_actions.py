"""cluster actions

Revision ID: 0007_cluster_actions
Revises: 0006_exposure_clusters
Create Date: 2026-11-26 02:05:57.490932

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_cluster_actions'
down_revision = '0006_exposure_clusters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cluster_actions',
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_cluster_actions_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_cluster_actions_cluster_id_clusters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cluster_id', 'action_id', name=op.f('pk_cluster_actions'))
    )


def downgrade():
    op.drop_table('cluster_actions')

"""exposure, clusters, report date index

Revision ID: 0006_exposure_clusters
Revises: 0005_reviews_actions_feedback
Create Date: 2026-11-26 01:51:07.059154

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_exposure_clusters'
down_revision = '0005_reviews_actions_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exposures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('service_hours', sa.Float(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_exposures_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exposures')),
    sa.UniqueConstraint('region_id', 'week_start', name=op.f('uq_exposures_region_id'))
    )
    with op.batch_alter_table('exposures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exposures_week_start'), ['week_start'], unique=False)

    op.create_table('clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('cell_key', sa.String(length=120), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('interface_type', sa.String(length=40), nullable=True),
    sa.Column('person_ref', sa.String(length=40), nullable=True),
    sa.Column('observed', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=True),
    sa.Column('p_value', sa.Float(), nullable=True),
    sa.Column('q_value', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dismissed_reason', sa.Text(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_clusters_category_id_categories')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_clusters_handled_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_clusters_region_id_regions')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_clusters_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clusters')),
    sa.UniqueConstraint('method', 'week_start', 'cell_key', name=op.f('uq_clusters_method'))
    )
    with op.batch_alter_table('clusters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clusters_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_clusters_week_start'), ['week_start'], unique=False)

    op.create_table('cluster_reports',
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_cluster_reports_cluster_id_clusters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_cluster_reports_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cluster_id', 'report_id', name=op.f('pk_cluster_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_occurred_at', ['occurred_at'], unique=False)



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_occurred_at')

    op.drop_table('cluster_reports')
    with op.batch_alter_table('clusters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clusters_week_start'))
        batch_op.drop_index(batch_op.f('ix_clusters_status'))

    op.drop_table('clusters')
    with op.batch_alter_table('exposures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exposures_week_start'))

    op.drop_table('exposures')

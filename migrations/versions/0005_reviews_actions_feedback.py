"""reviews, actions, verification, spot checks, feedback

Revision ID: 0005_reviews_actions_feedback
Revises: 0004_triage_escalations
Create Date: 2026-11-26 01:40:34.486067

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_reviews_actions_feedback'
down_revision = '0004_triage_escalations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('change', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('strength', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('progress_note', sa.Text(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('measure', sa.JSON(), nullable=False),
    sa.Column('baseline_weeks', sa.Integer(), nullable=False),
    sa.Column('baseline_count', sa.Integer(), nullable=False),
    sa.Column('target_reduction_percent', sa.Float(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('due_soon_notified_at', sa.DateTime(), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(), nullable=True),
    sa.Column('ready_notified_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_status'), ['status'], unique=False)

    op.create_table('feedback_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('what_changed', sa.Text(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('audience_region_ids', sa.JSON(), nullable=False),
    sa.Column('audience_roles', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_posts_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_posts'))
    )
    with op.batch_alter_table('feedback_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_posts_published_at'), ['published_at'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('root_pattern', sa.Text(), nullable=False),
    sa.Column('barriers_held', sa.Text(), nullable=False),
    sa.Column('barriers_failed', sa.Text(), nullable=False),
    sa.Column('pathway_steps', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reviews_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    op.create_table('action_reviews',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_reviews_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_action_reviews_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'review_id', name=op.f('pk_action_reviews'))
    )
    op.create_table('feedback_actions',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_feedback_actions_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['feedback_posts.id'], name=op.f('fk_feedback_actions_post_id_feedback_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'action_id', name=op.f('pk_feedback_actions'))
    )
    op.create_table('spot_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_spot_checks_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_spot_checks_done_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_checks'))
    )
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_checks_action_id'), ['action_id'], unique=False)

    op.create_table('verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=False),
    sa.Column('before_count', sa.Integer(), nullable=False),
    sa.Column('before_days', sa.Integer(), nullable=False),
    sa.Column('after_count', sa.Integer(), nullable=False),
    sa.Column('after_days', sa.Integer(), nullable=False),
    sa.Column('rate_ratio', sa.Float(), nullable=True),
    sa.Column('ci_low', sa.Float(), nullable=True),
    sa.Column('ci_high', sa.Float(), nullable=True),
    sa.Column('target_met', sa.Boolean(), nullable=True),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('verifier_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_verifications_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verifier_id'], ['users.id'], name=op.f('fk_verifications_verifier_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verifications'))
    )
    with op.batch_alter_table('verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verifications_action_id'), ['action_id'], unique=False)

    op.create_table('action_reports',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_reports_action_id_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_action_reports_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'report_id', name=op.f('pk_action_reports'))
    )
    op.create_table('feedback_reports',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['feedback_posts.id'], name=op.f('fk_feedback_reports_post_id_feedback_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_feedback_reports_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'report_id', name=op.f('pk_feedback_reports'))
    )
    op.create_table('review_reports',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_review_reports_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_reports_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'report_id', name=op.f('pk_review_reports'))
    )


def downgrade():
    op.drop_table('review_reports')
    op.drop_table('feedback_reports')
    op.drop_table('action_reports')
    with op.batch_alter_table('verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verifications_action_id'))

    op.drop_table('verifications')
    with op.batch_alter_table('spot_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_checks_action_id'))

    op.drop_table('spot_checks')
    op.drop_table('feedback_actions')
    op.drop_table('action_reviews')
    op.drop_table('reviews')
    with op.batch_alter_table('feedback_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_posts_published_at'))

    op.drop_table('feedback_posts')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_status'))
        batch_op.drop_index(batch_op.f('ix_actions_owner_id'))

    op.drop_table('actions')

"""triage, escalations, notifications, settings

Revision ID: 0004_triage_escalations
Revises: 0003_report_photos
Create Date: 2026-11-26 01:21:55.204524

The default external bodies and triage matrix are written out here, not imported from the app: what a
revision writes must never change, whatever later becomes of ``app.escalations.vocabulary`` and
``app.triage.matrix`` (they were equal to ``DEFAULT_EXTERNAL_BODIES`` and ``as_plain(DEFAULT_MATRIX)``
when copied, so existing installs got exactly these).
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

DEFAULT_EXTERNAL_BODIES = [
    {"code": "state_incident_system", "name": "State critical incident system", "due_amount": 24,
     "due_in_business_days": False, "for_incidents": True},
    {"code": "adult_protective_services", "name": "Adult protective services", "due_amount": 24,
     "due_in_business_days": False, "for_incidents": False},
    {"code": "licensing", "name": "Licensing agency", "due_amount": 2,
     "due_in_business_days": True, "for_incidents": False},
    {"code": "cqc", "name": "CQC notification (Registration Regulation 18)", "due_amount": 24,
     "due_in_business_days": False, "for_incidents": False},
    {"code": "riddor", "name": "RIDDOR dangerous occurrence (HSE)", "due_amount": 10,
     "due_in_business_days": True, "for_incidents": False},
]
DEFAULT_MATRIX_CELLS = {
    "low": {"single": "none", "repeat": "brief_structured_review", "cluster": "barrier_review"},
    "medium": {
        "single": "brief_structured_review", "repeat": "brief_structured_review", "cluster": "barrier_review",
    },
    "high": {"single": "barrier_review", "repeat": "full_systems_review", "cluster": "full_systems_review"},
}


# revision identifiers, used by Alembic.
revision = '0004_triage_escalations'
down_revision = '0003_report_photos'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_bodies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('due_amount', sa.Float(), nullable=False),
    sa.Column('due_in_business_days', sa.Boolean(), nullable=False),
    sa.Column('for_incidents', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_bodies')),
    sa.UniqueConstraint('code', name=op.f('uq_external_bodies_code'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('triage_matrix_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_triage_matrix_versions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triage_matrix_versions')),
    sa.UniqueConstraint('version', name=op.f('uq_triage_matrix_versions_version'))
    )
    op.create_table('external_duties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('identified_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['external_bodies.id'], name=op.f('fk_external_duties_body_id_external_bodies')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_external_duties_done_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_external_duties_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_duties'))
    )
    with op.batch_alter_table('external_duties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_duties_report_id'), ['report_id'], unique=False)

    op.create_table('safeguarding_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('routed_at', sa.DateTime(), nullable=False),
    sa.Column('routed_because', sa.String(length=20), nullable=False),
    sa.Column('triggers', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=40), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('persons_views', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_safeguarding_cases_decided_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_safeguarding_cases_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_cases')),
    sa.UniqueConstraint('report_id', name=op.f('uq_safeguarding_cases_report_id'))
    )
    op.create_table('stop_the_line_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('safeguards', sa.Text(), nullable=True),
    sa.Column('safeguards_by_id', sa.Integer(), nullable=True),
    sa.Column('safeguards_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_stop_the_line_alerts_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_stop_the_line_alerts_region_id_regions')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_stop_the_line_alerts_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['safeguards_by_id'], ['users.id'], name=op.f('fk_stop_the_line_alerts_safeguards_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stop_the_line_alerts')),
    sa.UniqueConstraint('report_id', name=op.f('uq_stop_the_line_alerts_report_id'))
    )
    with op.batch_alter_table('stop_the_line_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_the_line_alerts_region_id'), ['region_id'], unique=False)

    op.create_table('triages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('triaged_by_id', sa.Integer(), nullable=False),
    sa.Column('triaged_at', sa.DateTime(), nullable=False),
    sa.Column('still_at_risk_now', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_triggers', sa.JSON(), nullable=False),
    sa.Column('external_body_ids', sa.JSON(), nullable=False),
    sa.Column('recurrence_proposed', sa.String(length=20), nullable=False),
    sa.Column('recurrence', sa.String(length=20), nullable=False),
    sa.Column('similar_report_ids', sa.JSON(), nullable=False),
    sa.Column('minimum_investigation', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('interface_flag', sa.Boolean(), nullable=False),
    sa.Column('interface_type', sa.String(length=40), nullable=True),
    sa.Column('event_class', sa.String(length=20), nullable=False),
    sa.Column('matrix_version_id', sa.Integer(), nullable=False),
    sa.Column('proposed_review_level', sa.String(length=30), nullable=False),
    sa.Column('review_level', sa.String(length=30), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['matrix_version_id'], ['triage_matrix_versions.id'], name=op.f('fk_triages_matrix_version_id_triage_matrix_versions')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_triages_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['users.id'], name=op.f('fk_triages_triaged_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triages')),
    sa.UniqueConstraint('report_id', name=op.f('uq_triages_report_id'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safeguarding_restricted', sa.Boolean(), nullable=False, server_default=sa.false()))


    # Reports already safeguarding by category are restricted from now on.
    op.execute(
        "UPDATE reports SET safeguarding_restricted = true WHERE category_id IN "
        "(SELECT id FROM categories WHERE is_safeguarding = true)"
    )
    bodies = sa.table(
        "external_bodies",
        sa.column("code", sa.String), sa.column("name", sa.String), sa.column("due_amount", sa.Float),
        sa.column("due_in_business_days", sa.Boolean), sa.column("for_incidents", sa.Boolean),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(bodies, [{**spec, "active": True} for spec in DEFAULT_EXTERNAL_BODIES])
    matrix = sa.table(
        "triage_matrix_versions",
        sa.column("version", sa.Integer), sa.column("cells", sa.JSON), sa.column("note", sa.Text),
        sa.column("created_at", sa.DateTime),
    )
    op.bulk_insert(matrix, [{
        "version": 1, "cells": DEFAULT_MATRIX_CELLS, "note": "Default matrix",
        "created_at": datetime.now(UTC).replace(tzinfo=None),
    }])

def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('safeguarding_restricted')

    op.drop_table('triages')
    with op.batch_alter_table('stop_the_line_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stop_the_line_alerts_region_id'))

    op.drop_table('stop_the_line_alerts')
    op.drop_table('safeguarding_cases')
    with op.batch_alter_table('external_duties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_duties_report_id'))

    op.drop_table('external_duties')
    op.drop_table('triage_matrix_versions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    op.drop_table('settings')
    op.drop_table('external_bodies')

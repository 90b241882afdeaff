"""passkeys, sign-in policy per role, how each session was opened

Revision ID: 0010_passkeys
Revises: 0009_emergency_access
Create Date: 2026-11-26 03:35:57.116257

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_passkeys'
down_revision = '0009_emergency_access'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('role_policies',
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('passkey_required', sa.Boolean(), nullable=False),
    sa.Column('shared_device', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_role_policies'))
    )
    op.create_table('passkeys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=1400), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.Integer(), nullable=False),
    sa.Column('transports', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('aaguid', sa.String(length=36), nullable=False),
    sa.Column('backed_up', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_passkeys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkeys')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_passkeys_credential_id'))
    )
    with op.batch_alter_table('passkeys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkeys_user_id'), ['user_id'], unique=False)

    op.create_table('webauthn_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge', sa.String(length=128), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_webauthn_challenges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webauthn_challenges')),
    sa.UniqueConstraint('challenge', name=op.f('uq_webauthn_challenges_challenge'))
    )
    with op.batch_alter_table('webauthn_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webauthn_challenges_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=20), server_default='password', nullable=False))
        batch_op.add_column(sa.Column('shared_device', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('must_enrol_passkey', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webauthn_user_handle', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_webauthn_user_handle'), ['webauthn_user_handle'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_webauthn_user_handle'), type_='unique')
        batch_op.drop_column('webauthn_user_handle')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('must_enrol_passkey')
        batch_op.drop_column('shared_device')
        batch_op.drop_column('method')

    with op.batch_alter_table('webauthn_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webauthn_challenges_expires_at'))

    op.drop_table('webauthn_challenges')
    with op.batch_alter_table('passkeys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passkeys_user_id'))

    op.drop_table('passkeys')
    op.drop_table('role_policies')

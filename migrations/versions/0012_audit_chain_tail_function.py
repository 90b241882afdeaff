"""the audit chain's lock and tail in one statement (PostgreSQL)

Revision ID: 0012_audit_chain_tail
Revises: 0011_pack_renders
Create Date: 2026-11-26 08:00:00

Appending to the audit chain takes a transaction-scoped advisory lock and then reads the tail. Sent as
two statements, that is two round trips while every other writer waits on the lock. One statement
cannot do both with a plain SELECT: its snapshot is taken before the lock is granted, so it could miss a
tail committed meanwhile. A VOLATILE function takes a fresh snapshot for each query it runs, so the read
after the lock sees the latest committed tail. SQLite has one writer at a time and needs none of this.
"""

from alembic import op

revision = "0012_audit_chain_tail"
down_revision = "0011_pack_renders"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION audit_chain_claim_tail(lock_key bigint)
        RETURNS TABLE (seq integer, hash varchar)
        LANGUAGE plpgsql VOLATILE
        AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(lock_key);
            RETURN QUERY SELECT e.seq, e.hash FROM audit_events AS e ORDER BY e.seq DESC LIMIT 1;
        END
        $$
        """
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION audit_chain_claim_tail(bigint)")

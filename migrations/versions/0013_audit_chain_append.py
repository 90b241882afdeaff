"""the audit chain's append in one statement (PostgreSQL)

Revision ID: 0013_audit_chain_append
Revises: 0012_audit_chain_tail
Create Date: 2026-11-26 10:30:00

0012 took the chain's lock and read the tail in one statement; the event was then hashed in Python
and inserted by a second one, while every other writer waited on the lock. ``audit_chain_append``
does all of it in one call: the app hands over the event's fields and the hashed text that does not
depend on the chain (``app.core.audit.chain.event_body``); the function takes the lock, reads the newest
committed tail (a VOLATILE function takes a fresh snapshot per query, so the read after the lock sees a
tail committed meanwhile), links the event - SHA-256 of ``[seq,<body>,"prev_hash"]``, the text
``chain.link_hash`` hashes - inserts it and returns its sequence number. The lock is held to the commit.
The stored rows and the hash are the same as before, so existing chains verify unchanged.

0012's ``audit_chain_claim_tail`` stays: app servers still running the previous release during a
rolling upgrade keep appending through it, under the same lock, so both kinds of writer link one chain.
"""

from alembic import op

revision = "0013_audit_chain_append"
down_revision = "0012_audit_chain_tail"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION audit_chain_append(
            lock_key bigint,
            new_occurred_at timestamp,
            new_actor_id integer,
            new_action varchar,
            new_object_type varchar,
            new_object_id varchar,
            new_region_id integer,
            new_before text,
            new_after text,
            body text
        )
        RETURNS integer
        LANGUAGE plpgsql VOLATILE
        AS $$
        DECLARE
            tail_seq integer;
            tail_hash varchar;
            new_seq integer;
        BEGIN
            PERFORM pg_advisory_xact_lock(lock_key);
            SELECT e.seq, e.hash INTO tail_seq, tail_hash FROM audit_events AS e ORDER BY e.seq DESC LIMIT 1;
            new_seq := coalesce(tail_seq, 0) + 1;
            tail_hash := coalesce(tail_hash, repeat('0', 64));
            INSERT INTO audit_events (
                seq, occurred_at, actor_id, action, object_type, object_id, region_id, before, after,
                prev_hash, hash
            ) VALUES (
                new_seq, new_occurred_at, new_actor_id, new_action, new_object_type, new_object_id,
                new_region_id, new_before, new_after, tail_hash,
                encode(sha256(convert_to('[' || new_seq || ',' || body || ',"' || tail_hash || '"]', 'UTF8')), 'hex')
            );
            RETURN new_seq;
        END
        $$
        """
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "DROP FUNCTION audit_chain_append("
        "bigint, timestamp, integer, varchar, varchar, varchar, integer, text, text, text)"
    )

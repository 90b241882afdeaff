"""The baseline for bench.submission_load: a bare Flask endpoint doing one insert into the same database.

    DATABASE_URL=postgresql+psycopg://... gunicorn bench.bare_insert_app:app

``POST /insert`` takes the same JSON body a phone sends to ``/api/v1/reports``, parses it, and inserts
one row (client UUID and the body as text) into ``bench_bare_insert`` with SQLAlchemy Core and the same
engine options as the app (``pool_pre_ping``). No session, no CSRF, no validation, no audit: the
floor any real submission path sits on.
"""

import json
import os

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert

metadata = MetaData()
rows = Table(
    "bench_bare_insert",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_uuid", String(36), nullable=False),
    Column("body", Text, nullable=False),
)


def prepare(database_url: str) -> None:
    """Create the table once, before any worker starts (workers creating it at once would race)."""
    engine = create_engine(database_url)
    metadata.create_all(engine, checkfirst=True)
    engine.dispose()


def create_bare_app(database_url: str) -> Flask:
    engine = create_engine(database_url, pool_pre_ping=True)
    app = Flask(__name__)

    @app.post("/insert")
    def insert_one():
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or "client_uuid" not in body:
            return jsonify(error="invalid"), 422
        with engine.begin() as connection:
            new_id = connection.execute(
                insert(rows)
                .values(client_uuid=str(body["client_uuid"]), body=json.dumps(body))
                .returning(rows.c.id)
            ).scalar_one()
        return jsonify(id=new_id, client_uuid=body["client_uuid"]), 201

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


app = create_bare_app(os.environ["DATABASE_URL"]) if "DATABASE_URL" in os.environ else None

"""Reads about the service itself."""

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.jobs.queue import redis_connection


def parts_health() -> dict[str, str]:
    """ "ok" or "down" for the database, and for Redis when one is configured."""
    parts = {}
    try:
        db.session.execute(text("SELECT 1"))
        parts["database"] = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        parts["database"] = "down"
    connection = redis_connection()
    if connection is not None:
        try:
            connection.ping()
            parts["redis"] = "ok"
        except RedisError:
            parts["redis"] = "down"
    return parts

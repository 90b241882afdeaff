"""The job tests share a Redis server with other runs: they claim a database of their own and never
flush one."""

import re
import uuid
from pathlib import Path

import pytest

from tests.infra.conftest import CLAIM_KEY, REDIS_SERVER, _claim_a_database

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture
def redis_server():
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(f"{REDIS_SERVER}/0", socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError:
        pytest.skip("Redis is not running")
    yield connection
    connection.close()


def test_a_run_claims_only_an_empty_database_and_touches_no_other(redis_server):
    """A database holding someone's keys is never claimed; two runs never get the same one."""
    from redis import Redis

    first = _claim_a_database(f"run-{uuid.uuid4()}")
    assert first is not None
    first_url, first_connection = first
    number = int(first_url.rsplit("/", 1)[1])
    # Someone else's data goes into an empty database above ours (never into one another run holds).
    empty = [n for n in range(number + 1, 16) if not Redis.from_url(f"{REDIS_SERVER}/{n}").dbsize()]
    spare = empty[0] if empty else None
    if spare is None:
        first_connection.delete(CLAIM_KEY)
        pytest.skip("no empty Redis database left above the one claimed")
    outsider = Redis.from_url(f"{REDIS_SERVER}/{spare}")
    key = f"someone-else:{uuid.uuid4()}"
    outsider.set(key, "theirs", ex=600)
    try:
        second = _claim_a_database(f"run-{uuid.uuid4()}")
        assert second is not None
        second_url, second_connection = second
        assert second_url not in (first_url, f"{REDIS_SERVER}/{spare}")
        assert second_connection.keys() == [CLAIM_KEY.encode()]
        assert outsider.get(key) == b"theirs"
        second_connection.delete(CLAIM_KEY)
        second_connection.close()
    finally:
        outsider.delete(key)
        outsider.close()
        first_connection.delete(CLAIM_KEY)
        first_connection.close()


def test_no_test_flushes_a_redis_database():
    flushes = re.compile(r"\.(flushdb|flushall)\(")
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name != "test_redis_isolation.py" and flushes.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

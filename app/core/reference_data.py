"""Small tables read on every request, kept in each process for a few seconds.

Settings, categories, programs and regions change a few times a year and are read by every submission
and every session check; reading them from the database each time cost a third of a submission's
round trips. A loader decorated with :func:`reference_data` returns a value built from plain, frozen
data (never ORM rows, which belong to one session) and is called again when:

- ``REFERENCE_DATA_SECONDS`` (default 5) have passed, which bounds how long another app server goes on
  seeing a change made elsewhere;
- this process writes a row of one of the loader's models through the ORM: the copy is dropped at the
  flush and again at the commit or rollback, so the writer's next request sees its own change;
- :func:`forget_reference_data` is called (after a restore, or by tests that empty the tables).

Copies are kept per database engine, so two apps on different databases never share one.
"""

import threading
import time
import weakref
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

DEFAULT_SECONDS = 5.0

_loaders: dict[str, tuple[type, ...]] = {}
_copies: "weakref.WeakKeyDictionary[Any, dict[str, tuple[float, Any]]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()
# Counts forgets, so a load that overlapped one (and may hold the old rows) is not kept.
_forgotten = 0


def reference_data(*models: type) -> Callable:
    """Decorate a loader of plain data drawn from ``models``' tables: its result is kept and shared."""

    def decorate(load: Callable[[], Any]) -> Callable[[], Any]:
        name = f"{load.__module__}.{load.__qualname__}"
        _loaders[name] = models

        @wraps(load)
        def cached() -> Any:
            if name in db.session.info.get("reference_data_touched", ()):
                return load()  # this transaction changed the tables: its view is not for sharing
            engine = db.engine
            lifetime = current_app.config.get("REFERENCE_DATA_SECONDS", DEFAULT_SECONDS)
            now = time.monotonic()
            kept = _copies.get(engine, {}).get(name)
            if kept is not None and now - kept[0] < lifetime:
                return kept[1]
            forgotten_before = _forgotten
            value = load()
            with _lock:
                if _forgotten == forgotten_before:
                    _copies.setdefault(engine, {})[name] = (now, value)
            return value

        return cached

    return decorate


def forget_reference_data(engine=None, names=None) -> None:
    """Drop kept copies: of ``names`` (all when None), for ``engine`` (every engine when None)."""
    global _forgotten
    with _lock:
        _forgotten += 1
        engines = list(_copies.keys()) if engine is None else [engine]
        for each in engines:
            copies = _copies.get(each)
            if copies is None:
                continue
            for name in list(copies) if names is None else names:
                copies.pop(name, None)


def _names_touched(session: Session) -> set[str]:
    touched = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        for name, models in _loaders.items():
            if isinstance(instance, models):
                touched.add(name)
    return touched


@event.listens_for(Session, "after_flush")
def _drop_on_flush(session: Session, _flush_context) -> None:
    touched = _names_touched(session)
    if touched:
        session.info.setdefault("reference_data_touched", set()).update(touched)
        forget_reference_data(session.get_bind(), touched)


def _drop_at_end(session: Session, *_args) -> None:
    touched = session.info.pop("reference_data_touched", None)
    if touched:
        forget_reference_data(session.get_bind(), touched)


event.listen(Session, "after_commit", _drop_at_end)
event.listen(Session, "after_soft_rollback", _drop_at_end)

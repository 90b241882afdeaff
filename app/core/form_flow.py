"""The one shape of a form post, written once: save and commit, then answer (usually a redirect);
or, when the operation refuses the input, roll back and show the form again with the reasons.

Routes pass what differs as small functions, so a route reads as: parse, check permission, call
:func:`save_form`.
"""

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from flask import flash, redirect, url_for

from app.core.concurrency import CONFLICT_STATUS, EditConflict, conflicts_refused
from app.core.validation import InvalidInput
from app.extensions import db

INVALID_STATUS = 422


def save_form(
    save: Callable[[], Any],
    *,
    saved: Callable[[Any], Any],
    invalid: Callable[[dict[str, list[str]]], Any] | None = None,
    conflict: Callable[[], Any] | None = None,
    message: str | None = None,
    guard_conflicts: bool = True,
    refused: tuple[type[Exception], ...] = (),
    refusal: Callable[[Exception], Any] | None = None,
):
    """Run ``save()`` (an operation that flushes, never commits) and commit it.

    - On success, flash ``message`` (when given) and answer ``saved(result)``.
    - When the operation raises :class:`InvalidInput`, roll back and answer ``invalid(errors)``
      with 422: the form again, with what was typed and why it was refused.
    - When someone else saved the same record meanwhile (:class:`EditConflict`, a stale UPDATE or a
      second creation meeting a unique constraint), roll back and answer ``conflict()`` with 409;
      without a ``conflict`` the error goes on to the app's handler, which answers 409 too.
      ``guard_conflicts=False`` leaves a unique violation as the database error it is: report
      submission handles its own duplicates, and any other violation there must stay a server error,
      which the outbox retries with the same ``client_uuid``, never a conflict it would resend as new.
    - ``refusal``, when given, answers every refusal itself, status included (a flash and a redirect,
      a JSON error, an abort), after the rollback: an :class:`InvalidInput`, or an operation's own
      refusal that carries no field errors, named in ``refused`` (a job no longer queued).
    """
    try:
        with conflicts_refused() if guard_conflicts else nullcontext():
            result = save()
            db.session.commit()
    except (InvalidInput, *refused) as error:
        db.session.rollback()
        if refusal is not None:
            return refusal(error)
        return invalid(error.errors), INVALID_STATUS
    except EditConflict:
        db.session.rollback()
        if conflict is None:
            raise
        return conflict(), CONFLICT_STATUS
    if message:
        flash(message)
    return saved(result)


def back_to(endpoint: str, said: Callable[[Any], str] | None = None, **values):
    """A ``saved`` answer for :func:`save_form`: flash what ``said(result)`` says (a message that
    names what was saved), then go to ``endpoint``."""

    def answer(result):
        if said is not None:
            flash(said(result))
        return redirect(url_for(endpoint, **values))

    return answer


def save_and_flash(save: Callable[[], Any], *, message: str, then: Callable[[], Any]):
    """For a button on another page (mark a duty done, end an access): there is no form to show
    again, so a refusal's reasons are flashed instead of ``message``; either way the answer is
    ``then()``, the page the button was on. Conflicts are handled as in :func:`save_form`."""
    try:
        with conflicts_refused():
            save()
            db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        flash(error.sentence())
    else:
        flash(message)
    return then()

"""The linking tests of reviews use the same organisation as those of actions."""

from tests.actions.test_linking import org  # noqa: F401  (a fixture)

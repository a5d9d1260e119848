"""The workspace fixtures (knowledge copy, store, app) of tests/admin, for the catalogue importer tests."""

from tests.admin.conftest import kb_dir, store, workspace  # noqa: F401 - pytest fixtures

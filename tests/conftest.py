"""Test set-up: ``notoneless.settings_test`` (pyproject's pytest options) gives a throw-away data folder
and takes the database from the environment."""

"""Rules of the schools area as data, loaded and checked by ``notoneless.schools.rules_data``."""

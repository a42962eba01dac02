"""Import handlers of the schools area, run by the one import engine (``registry.imports``): school
conditions, projects, recruitment, training, honours and travel times. Each module has ``prepare`` and
``write`` as the engine expects."""

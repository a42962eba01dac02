"""The dropout-control pages, mounted at ``retention/``: one module per area (cases, attendance entry,
early warning). Views parse, call one action or selector, and render; a refusal is a message, never a 500."""

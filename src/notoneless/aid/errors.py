class AidRefused(Exception):
    """An aid action refused: the message says why, in the user's language; nothing was changed."""

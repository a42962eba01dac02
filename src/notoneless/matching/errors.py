class MatchingRefused(Exception):
    """A matching action refused: the message says why, in the user's language; nothing was changed."""

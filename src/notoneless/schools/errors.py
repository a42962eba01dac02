class SchoolsRefused(Exception):
    """A write or a report of the schools area refused with a message naming what is wrong
    (Chinese / English); nothing was changed."""

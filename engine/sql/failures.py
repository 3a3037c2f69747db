"""What a database's failures mean to the person waiting: one line per state the
database can be in (busy, full, read-only, refusing a password, not there, not a
database), found from the driver's SQLSTATE or its message. Shared by both drivers; never
the URL, never a parameter.
"""

from __future__ import annotations

BUSY = "the database is busy; please try again in a moment"
UNREACHABLE = "cannot reach the database; please try again in a moment"
DISK_FULL = "the disk that holds the database is full; please free some space and try again"
READ_ONLY = (
    "the database cannot be written here (a read-only file, folder, file system or "
    "database user); please check its permissions"
)
REFUSED = "the database refused the user name or password; please check them in the database URL"
CANNOT_OPEN = "cannot open the database file; please check its path and its folder's permissions"
NOT_A_DATABASE = "cannot read that database; please check it is the ritual database you meant"

_BY_SQLSTATE = {
    "55P03": BUSY,  # lock_not_available: lock_timeout ran out
    "57014": BUSY,  # query_canceled: statement_timeout ran out
    "40P01": BUSY,  # deadlock_detected
    "53100": DISK_FULL,  # disk_full
    "25006": READ_ONLY,  # read_only_sql_transaction (a standby, or a read-only default)
    "42501": READ_ONLY,  # insufficient_privilege: a user who may only read
    "28P01": REFUSED,  # invalid_password
    "28000": REFUSED,  # invalid_authorization_specification
}
_BY_TEXT = (  # what SQLite and libpq say when there is no SQLSTATE
    ("password authentication failed", REFUSED),
    ("authentication failed", REFUSED),
    ("disk is full", DISK_FULL),
    ("no space left", DISK_FULL),
    ("readonly database", READ_ONLY),
    ("read-only", READ_ONLY),
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("unable to open database file", CANNOT_OPEN),
)


def reason(error: BaseException | None) -> str | None:
    """The one-line message for a driver error that is about the database's state."""
    code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if code in _BY_SQLSTATE:
        return _BY_SQLSTATE[code]
    text = str(error).lower()
    return next((found for needle, found in _BY_TEXT if needle in text), None)

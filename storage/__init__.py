"""The only code that speaks SQL: sessions, transcripts and events in SQLite (sqlite-utils), and the
platform mock's tables (:mod:`storage.platform`)."""

from .db import (
    Message,
    NewMessage,
    SessionRecord,
    StorageError,
    Store,
    TurnWrite,
    UnknownSession,
    VersionConflict,
    migration_files,
)
from .links import SessionLinks
from .platform import PlatformStore

__all__ = [
    "Message",
    "NewMessage",
    "PlatformStore",
    "SessionLinks",
    "SessionRecord",
    "StorageError",
    "Store",
    "TurnWrite",
    "UnknownSession",
    "VersionConflict",
    "migration_files",
]

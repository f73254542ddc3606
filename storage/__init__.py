"""The only code that speaks SQL: sessions, transcripts and events in SQLite (sqlite-utils)."""

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

__all__ = [
    "Message",
    "NewMessage",
    "SessionRecord",
    "StorageError",
    "Store",
    "TurnWrite",
    "UnknownSession",
    "VersionConflict",
    "migration_files",
]

"""The app store: transactional state of the web app (users, API tokens; rounds and ballots
next), kept with SQLAlchemy 2 in SQLite (WAL) by default or PostgreSQL, migrated with Alembic.

The warehouse (the company's data) is elsewhere: this store holds only what people do in
kpibridge. It knows nothing of services, web or CLI.
"""

from kpibridge.store import (
    governance_schema,  # noqa: F401  (registers governance tables)
    proposal_rounds_schema,  # noqa: F401  (registers the proposal ↔ round links)
    rounds_schema,  # noqa: F401  (registers the round tables on Base)
    workshops_schema,  # noqa: F401  (registers the live workshop tables)
)
from kpibridge.store.audit_schema import AuditRow
from kpibridge.store.database import DATABASE_URL_ENV, Store, database_url
from kpibridge.store.schema import ApiToken, Base, User

__all__ = ["DATABASE_URL_ENV", "ApiToken", "AuditRow", "Base", "Store", "User", "database_url"]

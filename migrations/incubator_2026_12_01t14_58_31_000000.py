from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T14:58:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "core: one queued or running job per dedupe key"

# By hand: Piccolo declares no partial indexes. The same statement works on SQLite and
# PostgreSQL; two processes enqueueing the same work at once make one job.
STATEMENTS = (
    "CREATE UNIQUE INDEX job_active_dedupe_key ON job (dedupe_key) "
    "WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running')",
    "CREATE INDEX job_claim ON job (status, run_after, id)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T17:32:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "scoring engine: composite unique indexes"

# Written by hand: raw steps run before a migration's table operations, so these indexes come
# in their own migration, after the tables exist. Indexes (not table constraints) because SQLite
# cannot add constraints to an existing table.
STATEMENTS = (
    'CREATE UNIQUE INDEX IF NOT EXISTS rubric_code_number ON "rubric" ("code", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS rubric_indicator_code ON "rubric_indicator" '
    '("rubric", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS score_sheet_scorer ON "score_sheet" '
    '("rubric", "subject_table", "subject_id", "scorer", "column")',
    'CREATE UNIQUE INDEX IF NOT EXISTS score_sheet_indicator ON "score" ("sheet", "indicator")',
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="incubator", description=DESCRIPTION)

    async def create_indexes():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager

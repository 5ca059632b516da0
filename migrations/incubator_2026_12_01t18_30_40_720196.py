from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T18:30:40:720196"
VERSION = "1.38.0"
DESCRIPTION = "sheet imports: activity_import becomes sheet_import"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="incubator", description=DESCRIPTION
    )

    manager.rename_table(
        old_class_name="ActivityImport",
        old_tablename="activity_import",
        new_class_name="SheetImport",
        new_tablename="sheet_import",
        schema=None,
    )

    manager.add_column(
        table_class_name="SheetImport",
        tablename="sheet_import",
        column_name="sheet",
        db_column_name="sheet",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": "activities",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SheetImport",
        tablename="sheet_import",
        column_name="updated_rows",
        db_column_name="updated_rows",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager

"""Database triggers that refuse UPDATE and DELETE on the log tables (ADR 0008), per vendor.

PostgreSQL: one trigger function; a DELETE passes only when the transaction has set
``meldpunt.log_delete = on`` (chain.allow_deletes, used by the retention of the security log).
SQLite: no session settings, so the DELETE trigger asks a function the app registers on each
connection (chain.register_sqlite_guard); outside the app the function does not exist and the
DELETE fails as well. UPDATE is refused without exception on both.
"""

LOG_TABLES = ("privacy_processinglogentry", "privacy_securitylogentry")
TRIGGER = "meldpunt_append_only"

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION meldpunt_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('meldpunt.log_delete', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Het log % is alleen-toevoegen: % geweigerd.', TG_TABLE_NAME, TG_OP;
END
$$
"""


def sqlite_trigger_names(table: str) -> tuple[str, str]:
    return f"{TRIGGER}_update_{table}", f"{TRIGGER}_delete_{table}"


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [_POSTGRES_FUNCTION] + [
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION meldpunt_log_append_only()"
            for table in LOG_TABLES
        ]
    if vendor == "sqlite":
        statements = []
        for table in LOG_TABLES:
            update, delete = sqlite_trigger_names(table)
            statements += [
                f"CREATE TRIGGER {update} BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'Het log is alleen-toevoegen: wijzigen geweigerd.'); END",
                f"CREATE TRIGGER {delete} BEFORE DELETE ON {table} WHEN NOT meldpunt_log_delete_allowed() "
                "BEGIN SELECT RAISE(ABORT, 'Het log is alleen-toevoegen: verwijderen geweigerd.'); END",
            ]
        return statements
    return []  # other databases: the model and manager still refuse


def _drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}" for table in LOG_TABLES] + [
            "DROP FUNCTION IF EXISTS meldpunt_log_append_only()"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for table in LOG_TABLES for name in sqlite_trigger_names(table)]
    return []


def create(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    for statement in _drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)

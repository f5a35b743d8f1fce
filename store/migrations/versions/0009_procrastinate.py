"""procrastinate's own schema, for several machines sharing the fleet's work (PostgreSQL)

Its tables, types and functions are procrastinate's (`procrastinate_*`), applied from the
schema file of the version pyproject.toml pins, so that `store` migrations alone make a
database ready for `cadence worker`; a later procrastinate whose schema changed comes with
a migration of ours applying its migration files. SQLite: nothing of it (the embedded
default runs on APScheduler). Both: an index on job_run.started_at for the workers' tick.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Everything the schema creates, for the downgrade: the tables (their indexes, triggers
# and sequences go with them), then its functions and types, in the schema in use.
_DROP = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
    procrastinate_jobs, procrastinate_workers CASCADE;
DO $$
DECLARE f record;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        WHERE p.proname LIKE 'procrastinate\\_%' AND p.pronamespace = current_schema()::regnamespace
    LOOP
        EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
    END LOOP;
END;
$$;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
    procrastinate_job_status CASCADE;
"""


def _execute_script(sql: str) -> None:
    # Several statements in one go: the driver's simple protocol, with no parameters (its
    # functions' bodies hold % signs), inside the migration's transaction.
    op.get_bind().connection.driver_connection.execute(sql)


def upgrade() -> None:
    # A worker's tick reads every shop's latest runs of the last hour or so.
    op.create_index("ix_job_run_started_at", "job_run", ["started_at"])
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    _execute_script(SchemaManager.get_schema())


def downgrade() -> None:
    op.drop_index("ix_job_run_started_at", table_name="job_run")
    if op.get_bind().dialect.name != "postgresql":
        return
    _execute_script(_DROP)

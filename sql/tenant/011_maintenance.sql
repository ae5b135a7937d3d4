-- The tenant's own maintenance state (see sql/meta/004_maintenance.sql), and
-- the command lock statement that reads it once the lock is held.

-- One row while the tenant is under maintenance, none otherwise.  The view
-- runs with its owner's rights, so the tenant's role reads its own row of
-- perfimmo_meta.maintenance and nothing else of the meta schema.
DO $$
BEGIN
	EXECUTE format('CREATE VIEW maintenance_state AS '
		'SELECT retry_after, started_at FROM perfimmo_meta.maintenance WHERE tenant = %L',
		substr(current_schema(), length('t_') + 1));
	EXECUTE format('GRANT SELECT ON maintenance_state TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;

-- Takes the tenant's command lock and raises its generation, like the
-- UPDATE it replaces, then reads the maintenance state.  PL/pgSQL takes a
-- new snapshot for each statement under READ COMMITTED, so the read finds a
-- `maintenance on` committed while this command waited for the lock.  With
-- `maintenance on` waiting for the lock in turn, no command commits after it
-- returns.  MAINTENANCE_RETRY_AFTER is NULL when writes are open.
CREATE FUNCTION command_lock_take(OUT generation bigint, OUT maintenance_retry_after integer)
	LANGUAGE plpgsql
AS $$
BEGIN
	UPDATE command_lock SET generation = command_lock.generation + 1
		RETURNING command_lock.generation INTO command_lock_take.generation;
	SELECT m.retry_after INTO command_lock_take.maintenance_retry_after
	  FROM maintenance_state m;
END
$$;

DO $$
BEGIN
	EXECUTE format('GRANT EXECUTE ON FUNCTION command_lock_take() TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;

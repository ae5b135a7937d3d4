-- Ticket commands take the command lock only for their append and commit.
--
-- A ticket command decides from its own stream and from structure facts:
-- the actor's scope, the companies, agencies and patrimonies its location
-- names, the provider contact it assigns.  It reads them without the lock,
-- then takes the lock in the round trip of its append and COMMIT.  The
-- append checks the stream's version; structure_generation shows whether
-- any other write committed in between.  Every update of command_lock
-- raises it, except the one ticket commands make through
-- command_lock_take_for_ticket, so a ticket command never commits a
-- decision made on structure facts older than a committed change.

ALTER TABLE command_lock ADD COLUMN structure_generation bigint NOT NULL DEFAULT 0;

CREATE FUNCTION command_lock_count_structure() RETURNS trigger
	LANGUAGE plpgsql
AS $$
BEGIN
	IF current_setting('perfimmo.ticket_command', true) IS DISTINCT FROM 'on' THEN
		NEW.structure_generation := OLD.structure_generation + 1;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER command_lock_structure BEFORE UPDATE ON command_lock
	FOR EACH ROW EXECUTE FUNCTION command_lock_count_structure();

-- Takes the lock and raises the generation like command_lock_take(), then
-- raises serialization_failure (40001) when structure_generation is no
-- longer SEEN, and PIM01 when the tenant went under maintenance.  Either
-- error aborts the append and COMMIT sent after it in the same pipeline.
CREATE FUNCTION command_lock_take_for_ticket(seen bigint) RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	current bigint;
BEGIN
	PERFORM set_config('perfimmo.ticket_command', 'on', true);
	UPDATE command_lock SET generation = command_lock.generation + 1
		RETURNING command_lock.structure_generation INTO current;
	PERFORM set_config('perfimmo.ticket_command', 'off', true);

	IF current <> seen THEN
		RAISE EXCEPTION 'structure facts moved from % to %', seen, current
			USING ERRCODE = 'serialization_failure';
	END IF;
	IF EXISTS (SELECT FROM maintenance_state) THEN
		RAISE EXCEPTION 'tenant under maintenance' USING ERRCODE = 'PIM01';
	END IF;
END
$$;

DO $$
BEGIN
	EXECUTE format('GRANT EXECUTE ON FUNCTION command_lock_take_for_ticket(bigint) TO %I',
		current_setting('perfimmo.tenant_role'));
END
$$;

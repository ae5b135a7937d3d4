-- Replay of upcast events for perfimmo-admin rebuild.
--
-- events.schema_version (002_journal.sql) is the version of the event's
-- shape within its eventType.  Old shapes are upcast in C when events are
-- loaded (src/journal/upcast_registry.c is the only list of them), so the
-- rebuild reads the journal in C, upcasts each event and hands the current
-- shapes back to this function to project.  No SQL function reads an old
-- shape on its own.
--
-- journal_replay() of 003_rebuild.sql projects stored payloads without
-- upcasting.  It stays, because the previous release's perfimmo-admin may
-- still run while this release is installed: a later migration drops it.

-- Projects ITEMS, a JSON array of {position, kind, event} in position
-- order, through project(), the path journal_append takes.
CREATE FUNCTION journal_project_items(items jsonb)
	RETURNS void
	LANGUAGE plpgsql
AS $$
DECLARE
	item jsonb;
BEGIN
	FOR item IN SELECT value FROM jsonb_array_elements(items) WITH ORDINALITY ORDER BY ordinality LOOP
		PERFORM project(item ->> 'kind', item -> 'event', (item ->> 'position')::bigint);
	END LOOP;
END
$$;

-- Only the owner rebuilds: the workers' role gets none of it.
REVOKE EXECUTE ON FUNCTION journal_project_items(jsonb) FROM PUBLIC;

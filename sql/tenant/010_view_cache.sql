-- The tenant's generation: raised by every committed command (the command
-- lock statement increments it), so cached views keyed by it go stale at
-- the commit, on every worker, whatever state Redis is in.
ALTER TABLE command_lock ADD COLUMN generation bigint NOT NULL DEFAULT 0;

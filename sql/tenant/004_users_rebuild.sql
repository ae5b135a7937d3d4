-- Tables of the user aggregate for `perfimmo-admin rebuild` (see
-- table_registry in 003_rebuild.sql).  project_user() also keeps the login,
-- type, company and disabled flag of credentials current, so a replay must
-- not write into the live credentials rows.
INSERT INTO table_registry (table_name, kind) VALUES
	('users', 'read_model'),
	('user_agencies', 'read_model'),
	('user_patrimonies', 'read_model');

UPDATE table_registry SET kind = 'projected_source' WHERE table_name = 'credentials';

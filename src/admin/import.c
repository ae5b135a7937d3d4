/*
 * perfimmo-admin import --tenant T [--company UID] [--as LOGIN]
 *     [--rejects FILE] [--lang fr|en] [--batch N] [--one-by-one] FILE...
 *
 * Sends the commands of each FILE through the write API's pipeline, as
 * the user LOGIN (by default the tenant's only superUser): JSON Lines of
 * {"method","path","body"}, or an onboarding sheet (CSV) whose rows
 * belong to the client account --company.  See README.md, "Importing data".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "common/json_strict.h"
#include "common/log.h"
#include "common/types.h"
#include "db/pg.h"
#include "import.h"
#include "import/csv_table.h"
#include "import/import_text.h"
#include "import/import_uid.h"

#define DEFAULT_BATCH 500
/*
 * Largest --batch: each line of a batch is held in memory (a struct
 * import_line, just over 1 KB) and the tenant's API commands wait for the
 * whole batch to commit.
 */
#define MAX_BATCH 10000

static volatile sig_atomic_t stop_requested;


static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}


static void
catch_stop_signals(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_stop;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
}


/* Fills the session's actor from LOGIN, or from the tenant's only superUser. */
static bool
load_actor(struct import_session *session, const char *login)
{
	struct actor *actor = &session->ctx.actor;
	const char *params[1] = {login};
	struct error err;
	PGresult *result;

	result = login != NULL ?
	    pg_query("SELECT user_uid::text, user_type, coalesce(company_uid::text, ''), disabled"
	    "  FROM credentials WHERE login = lower($1)", 1, params, PGRES_TUPLES_OK, &err) :
	    pg_query("SELECT user_uid::text, user_type, '', disabled"
	    "  FROM credentials WHERE user_type = 'superUser' LIMIT 2", 0, NULL, PGRES_TUPLES_OK, &err);
	if (result == NULL)
		return admin_fail("could not read the users: %s", err.message_en) == 0;
	if (PQntuples(result) != 1) {
		PQclear(result);
		if (login != NULL)
			return admin_fail("no user with login %s in tenant %s", login,
			    session->ctx.tenant.name) == 0;
		return admin_fail("tenant %s has no single superUser: name the acting user with --as LOGIN",
		    session->ctx.tenant.name) == 0;
	}
	snprintf(actor->uid, sizeof(actor->uid), "%s", PQgetvalue(result, 0, 0));
	actor->type = actor_type_from_name(PQgetvalue(result, 0, 1));
	snprintf(actor->company_uid, sizeof(actor->company_uid), "%s", PQgetvalue(result, 0, 2));
	if (strcmp(PQgetvalue(result, 0, 3), "t") == 0) {
		PQclear(result);
		return admin_fail("user %s is disabled", login) == 0;
	}
	PQclear(result);
	return true;
}


/* Checks --company names a ClientAccount, the owner of every sheet row. */
static bool
check_company(const char *company)
{
	const char *params[1] = {company};
	struct error err;
	PGresult *result = pg_query("SELECT company_type FROM companies WHERE uid = $1",
	    1, params, PGRES_TUPLES_OK, &err);
	bool ok;

	if (result == NULL)
		return admin_fail("could not read the companies: %s", err.message_en) == 0;
	ok = PQntuples(result) == 1 && strcmp(PQgetvalue(result, 0, 0), "ClientAccount") == 0;
	PQclear(result);
	if (!ok)
		admin_fail("--company %s is not a client account of this tenant", company);
	return ok;
}


static bool
is_jsonl(const char *path)
{
	size_t len = strlen(path);

	return (len > 6 && strcmp(path + len - 6, ".jsonl") == 0) ||
	    (len > 5 && strcmp(path + len - 5, ".json") == 0);
}


/* Fills LINE from one JSON Lines line {"method","path","body"}. */
static void
map_json_line(const char *text, size_t len, long number, struct import_line *line)
{
	struct json_object *object, *method, *path, *body, *uid;
	char derived[37], number_text[24];
	const char *parts[3] = {"jsonl", number_text, text};

	import_line_clear(line);
	line->line = number;
	object = json_strict_parse(text, len, &line->err);
	if (object == NULL) {
		line->rejected = true;
		return;
	}
	if (!json_object_object_get_ex(object, "method", &method) ||
	    !json_object_is_type(method, json_type_string) ||
	    !json_object_object_get_ex(object, "path", &path) ||
	    !json_object_is_type(path, json_type_string) ||
	    !json_object_object_get_ex(object, "body", &body) ||
	    !json_object_is_type(body, json_type_object)) {
		error_set(&line->err, ERR_BAD_REQUEST,
		    "ligne attendue : {\"method\": texte, \"path\": texte, \"body\": objet}",
		    "expected line: {\"method\": string, \"path\": string, \"body\": object}");
		line->rejected = true;
		json_object_put(object);
		return;
	}

	/*
	 * A body without processUid, or with a null one (null is absent in the
	 * API), gets one derived from the line, the same at every run.
	 */
	if (!json_object_object_get_ex(body, "processUid", &uid) || uid == NULL) {
		snprintf(number_text, sizeof(number_text), "%ld", number);
		import_uid(derived, parts, 3);
		json_object_object_add(body, "processUid", json_object_new_string(derived));
	}
	if (json_object_get_string_len(method) >= 8 || json_object_get_string_len(path) >= 256) {
		error_set(&line->err, ERR_NOT_FOUND, "méthode ou chemin inconnu", "unknown method or path");
		line->rejected = true;
		json_object_put(object);
		return;
	}
	import_line_add(line, json_object_get_string(method), json_object_get_string(path),
	    json_object_get(body), "");
	json_object_put(object);
}


/*
 * Reads up to MAX lines of IN into LINES (a chunk); returns how many.
 * NUMBER counts the lines read so far, blank ones included.
 */
static size_t
read_chunk(struct import_session *session, FILE *in, struct import_line *lines, size_t max,
    long *number, char **text, size_t *room)
{
	size_t count = 0;
	ssize_t len;

	while (count < max && (len = getline(text, room, in)) >= 0) {
		(*number)++;
		session->progress.bytes_done += len;
		while (len > 0 && ((*text)[len - 1] == '\n' || (*text)[len - 1] == '\r'))
			(*text)[--len] = '\0';
		/* A byte order mark starts the file, not its first line, so it is dropped as in sheets. */
		if (*number == 1 && len >= 3 && memcmp(*text, "\xEF\xBB\xBF", 3) == 0) {
			len -= 3;
			memmove(*text, *text + 3, (size_t)len + 1);
		}
		if (len == 0)
			continue;
		map_json_line(*text, (size_t)len, *number, &lines[count++]);
	}
	return count;
}


/* Prints that PATH could not be read, for ERRNO_VALUE, and marks the file refused. */
static void
refuse_unreadable(struct import_session *session, const char *path, int errno_value,
    bool *file_refused)
{
	import_say(session, "perfimmo-admin: %s illisible : %s", "perfimmo-admin: cannot read %s: %s",
	    path, strerror(errno_value));
	*file_refused = true;
}


/*
 * Tells whether IN starts with "[" after an optional byte order mark and
 * blanks, then rewinds it; false when IN cannot seek.  A JSON Lines line is
 * an object, so such a file is one JSON array of commands, not JSON Lines.
 */
static bool
starts_with_array(FILE *in)
{
	long start = ftell(in);
	int c;

	if (start < 0)
		return false;
	c = getc(in);
	if (c == 0xEF && getc(in) == 0xBB && getc(in) == 0xBF)
		c = getc(in);
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		c = getc(in);
	if (fseek(in, start, SEEK_SET) != 0)
		return false;
	return c == '[';
}


/*
 * Imports one JSON Lines file.  A read error (a directory, an I/O error)
 * refuses the file, so its lines after the error are not taken as absent.
 */
static bool
import_jsonl(struct import_session *session, const char *path, FILE *in, bool *file_refused)
{
	size_t max = (size_t)session->batch_max, count, room = 0;
	struct import_line *lines = calloc(max, sizeof(*lines));
	char *text = NULL;
	long number = 0;
	bool ok = true;

	if (lines == NULL)
		abort();
	if (starts_with_array(in)) {
		import_say(session, "perfimmo-admin: %s refusé : un tableau JSON ; attendu des lignes JSON, "
		    "un objet {\"method\", \"path\", \"body\"} par ligne",
		    "perfimmo-admin: %s refused: a JSON array; expected JSON Lines, "
		    "one {\"method\", \"path\", \"body\"} object per line", path);
		*file_refused = true;
		free(lines);
		return true;
	}
	while (ok && !stop_requested &&
	    (count = read_chunk(session, in, lines, max, &number, &text, &room)) > 0) {
		ok = import_send_chunk(session, path, lines, count);
		import_progress_show(session, false);
	}
	if (ferror(in))
		refuse_unreadable(session, path, errno, file_refused);
	for (size_t i = 0; i < max; i++) {
		import_line_clear(&lines[i]);
		free(lines[i].commands);
	}
	free(lines);
	free(text);
	return ok;
}


/* Reads the whole of IN (a sheet is small) into a new buffer.  Returns NULL with errno set on a read error. */
static char *
read_all(FILE *in, size_t *len)
{
	size_t room = 1 << 16, used = 0, got;
	char *data = malloc(room);

	if (data == NULL)
		abort();
	while ((got = fread(data + used, 1, room - used, in)) > 0) {
		used += got;
		if (used == room) {
			room *= 2;
			data = realloc(data, room);
			if (data == NULL)
				abort();
		}
	}
	*len = used;
	if (ferror(in)) {
		int saved = errno;

		free(data);
		errno = saved;
		return NULL;
	}
	return data;
}


static bool
import_sheet_rows(struct import_session *session, const char *path, const struct csv_table *table,
    const struct csv_mapping *mapping, const struct csv_columns *columns, long long bytes)
{
	struct import_line line;
	bool ok = true;

	memset(&line, 0, sizeof(line));
	for (size_t i = 1; ok && !stop_requested && i < table->count; i++) {
		if (!csv_map_row(mapping, columns, &table->rows[i], &line)) {
			import_say(session, "perfimmo-admin: %s, ligne %ld : %s",
			    "perfimmo-admin: %s, line %ld: %s", path, table->rows[i].line,
			    session->english ? line.err.message_en : line.err.message_fr);
			ok = false;
			break;
		}
		ok = import_send_line(session, path, &line);
		session->progress.bytes_done += bytes / (long long)table->count;
		import_progress_show(session, false);
	}
	import_line_clear(&line);
	free(line.commands);
	return ok;
}


/* Imports one sheet; a file that cannot be read as a sheet at all is one error, not a run stop. */
static bool
import_sheet(struct import_session *session, const char *path, FILE *in,
    const char *company, bool *file_refused)
{
	struct import_text text;
	struct csv_table table;
	struct csv_columns columns;
	struct csv_mapping mapping;
	char date[TYPES_DATETIME_SIZE];
	struct error err;
	size_t len;
	char *bytes = read_all(in, &len);
	bool ok;

	*file_refused = false;
	if (bytes == NULL) {
		refuse_unreadable(session, path, errno, file_refused);
		return true;
	}
	memset(&table, 0, sizeof(table));
	memset(&text, 0, sizeof(text));
	if (!import_text_decode(bytes, len, &text, &err) ||
	    !csv_table_read(text.data, text.len, &table, &err) ||
	    !csv_map_header(&table.rows[0], &columns, &err)) {
		csv_table_free(&table);
		free(text.data);
		free(bytes);
		*file_refused = true;
		import_say(session, "perfimmo-admin: %s refusé : %s", "perfimmo-admin: %s refused: %s",
		    path, session->english ? err.message_en : err.message_fr);
		return true;
	}
	if (text.encoding == IMPORT_WINDOWS_1252)
		import_say(session, "%s : lu en Windows-1252, converti en UTF-8",
		    "%s: read as Windows-1252, converted to UTF-8", path);

	types_format_datetime((int64_t)time(NULL) * 1000, date);
	mapping = (struct csv_mapping){company, date, &import_lookup};
	ok = import_sheet_rows(session, path, &table, &mapping, &columns, (long long)len);
	csv_table_free(&table);
	free(text.data);
	free(bytes);
	return ok;
}


static void
print_summary(struct import_session *session, bool interrupted, int refused_files)
{
	const struct import_counts *c = &session->committed;
	double elapsed = import_now() - session->progress.started;

	import_progress_clear(session);
	if (interrupted)
		import_say(session, "import interrompu : ce qui suit est enregistré, relancez pour reprendre",
		    "import interrupted: what follows is stored, run again to resume");
	import_say(session,
	    "lignes acceptées : %ld, déjà présentes : %ld, rejetées : %ld ; "
	    "%ld commandes en %.1f s (%.0f commandes/s)",
	    "lines accepted: %ld, already present: %ld, rejected: %ld; "
	    "%ld commands in %.1f s (%.0f commands/s)",
	    c->accepted, c->present, c->rejected, c->commands, elapsed,
	    elapsed > 0 ? (double)c->commands / elapsed : 0);
	if (refused_files > 0)
		import_say(session, "fichiers refusés : %d", "files refused: %d", refused_files);
}


struct options {
	const char *tenant, *company, *login, *rejects, *lang;
	char company_uid[TYPES_UUID_SIZE];	/* --company in lowercase, which company points to */
	int batch;
	bool one_by_one;
	int first_file;			/* index of the first FILE in argv */
};


/* Reads --batch TEXT into BATCH, or DEFAULT_BATCH when absent.  Prints why and returns false when invalid. */
static bool
parse_batch(const char *text, int *batch)
{
	char *end;
	long value;

	if (text == NULL) {
		*batch = DEFAULT_BATCH;
		return true;
	}
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 1 || value > MAX_BATCH) {
		admin_fail("import: --batch must be an integer from 1 to %d, not \"%.40s\"", MAX_BATCH, text);
		return false;
	}
	*batch = (int)value;
	return true;
}


static bool
lang_is_valid(const char *lang)
{
	if (lang == NULL || strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0)
		return true;
	admin_fail("import: --lang must be fr or en, not \"%.40s\"", lang);
	return false;
}


/* Lowercases --company, as SafeUUIDs compare case-insensitively.  Prints why and returns false when invalid. */
static bool
parse_company(struct options *options)
{
	struct error err;

	if (options->company == NULL)
		return true;
	if (!types_parse_uuid(options->company, strlen(options->company), options->company_uid, &err)) {
		admin_fail("import: --company must be a SafeUUID, not \"%.40s\"", options->company);
		return false;
	}
	options->company = options->company_uid;
	return true;
}


static bool
parse_options(int argc, char **argv, struct options *options)
{
	static const char *const names[] = {"--tenant", "--company", "--as", "--rejects", "--lang", "--batch"};
	const char **slots[] = {&options->tenant, &options->company, &options->login,
	    &options->rejects, &options->lang, NULL};
	const char *batch = NULL;
	int i = 0;

	memset(options, 0, sizeof(*options));
	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		size_t k;
		if (strcmp(argv[i], "--one-by-one") == 0) {
			options->one_by_one = true;
			i++;
			continue;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(argv[i], names[k]) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]) || i + 1 >= argc) {
			admin_fail("import: unknown option or missing value: %s", argv[i]);
			return false;
		}
		if (slots[k] != NULL)
			*slots[k] = argv[i + 1];
		else
			batch = argv[i + 1];
		i += 2;
	}
	options->first_file = i;
	if (options->tenant == NULL || i >= argc) {
		admin_fail("usage: import --tenant T [--company UID] [--as LOGIN] [--rejects FILE] "
		    "[--lang fr|en] [--batch N] [--one-by-one] FILE...");
		return false;
	}
	return parse_batch(batch, &options->batch) && lang_is_valid(options->lang) &&
	    parse_company(options);
}


/* Opens the tenant's connection as the API does: the worker role acting as the tenant's role. */
static bool
open_session(struct admin *admin, const struct options *options, struct import_session *session)
{
	struct error err;

	memset(session, 0, sizeof(*session));
	session->ctx.config = &admin->config;
	session->english = options->lang != NULL && strcmp(options->lang, "en") == 0;
	session->batch_max = options->batch;
	session->one_by_one = options->one_by_one;
	session->stop = &stop_requested;
	strbuf_init(&session->pending_rejects);

	if (!admin_find_tenant(admin, options->tenant, &session->ctx.tenant))
		return false;
	log_set_level(LOG_WARN);
	pg_setup(admin->config.database, "perfimmo-admin import", admin->config.statement_timeout_ms);
	if (!pg_enter_tenant(session->ctx.tenant.role, session->ctx.tenant.schema, &err))
		return admin_fail("could not open tenant %s: %s", options->tenant, err.message_en) == 0;
	return load_actor(session, options->login) &&
	    (options->company == NULL || check_company(options->company));
}


static bool
open_rejects(struct import_session *session, const char *path)
{
	if (path == NULL)
		return true;
	session->rejects = fopen(path, "w");
	if (session->rejects == NULL)
		return admin_fail("cannot write %s: %s", path, strerror(errno)) == 0;
	fputs(session->english ? "file;line;field;errorType;reason\n" :
	    "fichier;ligne;champ;errorType;motif\n", session->rejects);
	return true;
}


static long long
total_bytes(int count, char **paths)
{
	long long total = 0;
	struct stat st;

	for (int i = 0; i < count; i++)
		if (stat(paths[i], &st) == 0)
			total += st.st_size;
	return total;
}


/* Imports each file in turn; false when the run had to stop on a database failure. */
static bool
import_files(struct import_session *session, const struct options *options, int count,
    char **paths, int *refused)
{
	bool ok = true;

	for (int i = 0; ok && !stop_requested && i < count; i++) {
		FILE *in = fopen(paths[i], "rb");
		bool file_refused = false;

		if (in == NULL) {
			refuse_unreadable(session, paths[i], errno, &file_refused);
			(*refused)++;
			continue;
		}
		if (is_jsonl(paths[i])) {
			ok = import_jsonl(session, paths[i], in, &file_refused);
		} else if (options->company == NULL) {
			import_say(session, "perfimmo-admin: %s : un tableau CSV demande --company",
			    "perfimmo-admin: %s: a CSV sheet needs --company", paths[i]);
			file_refused = true;
		} else {
			ok = import_sheet(session, paths[i], in, options->company, &file_refused);
		}
		*refused += file_refused;
		fclose(in);
	}
	return ok && import_commit(session);
}


int
import_command(struct admin *admin, int argc, char **argv)
{
	struct options options;
	struct import_session session;
	int refused = 0;
	bool ok;

	if (!parse_options(argc, argv, &options))
		return 2;
	if (!open_session(admin, &options, &session) || !open_rejects(&session, options.rejects)) {
		pg_close();
		return 1;
	}

	catch_stop_signals();
	session.progress.terminal = isatty(STDERR_FILENO);
	session.progress.started = import_now();
	session.progress.last_shown = session.progress.started;
	session.progress.bytes_total = total_bytes(argc - options.first_file, argv + options.first_file);

	ok = import_files(&session, &options, argc - options.first_file, argv + options.first_file,
	    &refused);
	if (!ok)
		import_abort(&session);
	print_summary(&session, stop_requested != 0, refused);

	if (session.rejects != NULL)
		fclose(session.rejects);
	strbuf_free(&session.pending_rejects);
	pg_close();
	return ok && !stop_requested && refused == 0 && session.committed.rejected == 0 ? 0 : 1;
}

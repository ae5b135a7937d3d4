/*
 * perfimmo-notify: the webhook sender.  It waits on PostgreSQL's
 * LISTEN perfimmo_events (every command NOTIFYs it, and notifications are
 * gathered for notify_gather_ms) or, at the latest, notify_poll_seconds or
 * the next retry that falls due, then delivers what is due in every tenant.  SIGTERM or SIGINT lets the attempt in flight end
 * and be recorded, then the process exits 0.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "db/pg.h"
#include "deliver.h"
#include "sender.h"
#include "store.h"

/* Steps per tenant in one round, so one busy tenant does not hold up the others. */
#define STEPS_PER_TENANT 20

/* Wait after a database failure before trying again, in milliseconds. */
#define FAILURE_PAUSE_MS 1000

static volatile sig_atomic_t stop_requested;

/* The connection LISTEN was sent on, to send it again after a reconnection. */
static struct {
	PGconn *connection;
	int backend_pid;
} listening;

/* The role perfimmo-notify logs in as, taken back after each tenant's search_path. */
static char own_role[64];


static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}


static void
install_signals(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	sigemptyset(&action.sa_mask);
	action.sa_handler = on_stop;
	/* System calls of an attempt in flight go on; poll(2) is never restarted. */
	action.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	action.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
}


static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: perfimmo-notify [-c FILE] [--check-config]\n"
	    "  -c, --config FILE   configuration file (default %s)\n"
	    "      --check-config  validate the configuration and exit\n",
	    CONFIG_DEFAULT_PATH);
}


static bool
write_pid_file(const char *path)
{
	FILE *file;

	if (path[0] == '\0')
		return true;
	file = fopen(path, "w");
	if (file == NULL) {
		log_error("could not write pid file %s: %s", path, strerror(errno));
		return false;
	}
	fprintf(file, "%ld\n", (long)getpid());
	fclose(file);
	return true;
}


/* Sends LISTEN on the current connection unless it was already sent there. */
static bool
ensure_listening(struct error *err)
{
	PGconn *connection = pg_connection(err);

	if (connection == NULL)
		return false;
	if (connection == listening.connection && PQbackendPID(connection) == listening.backend_pid)
		return true;
	if (!pg_exec("LISTEN perfimmo_events", 0, NULL, err))
		return false;
	listening.connection = connection;
	listening.backend_pid = PQbackendPID(connection);
	log_info("listening for events");
	return true;
}


static bool
read_own_role(struct error *err)
{
	PGresult *result = pg_query("SELECT session_user", 0, NULL, PGRES_TUPLES_OK, err);

	if (result == NULL)
		return false;
	snprintf(own_role, sizeof(own_role), "%s", PQgetvalue(result, 0, 0));
	PQclear(result);
	return true;
}


/*
 * Runs up to STEPS_PER_TENANT steps in TENANT.  Its tables are reached
 * through its schema, with perfimmo_notify's own rights: those of every
 * tenant role, and the reading of webhook secrets.
 */
static bool
serve_tenant(const struct deliver_context *ctx, const struct tenant *tenant, bool *worked,
    long long *next_due_ms)
{
	enum deliver_outcome outcome = DELIVER_WORKED;
	struct error err;
	long long due;

	log_set_context("-", tenant->name);
	if (!pg_enter_tenant(own_role, tenant->schema, &err)) {
		log_clear_context();
		return false;
	}
	for (int step = 0; step < STEPS_PER_TENANT && outcome == DELIVER_WORKED && !stop_requested; step++) {
		outcome = deliver_one(ctx, &err);
		if (outcome == DELIVER_WORKED)
			*worked = true;
	}
	if (outcome != DELIVER_FAILED && store_next_due_ms(&due, &err) && due >= 0 &&
	    (*next_due_ms < 0 || due < *next_due_ms))
		*next_due_ms = due;
	pg_leave_tenant();
	log_clear_context();
	return outcome != DELIVER_FAILED;
}


/* One round over every tenant; *NEXT_DUE_MS is the nearest retry, -1 for none. */
static bool
serve_round(const struct deliver_context *ctx, bool *worked, long long *next_due_ms)
{
	struct tenant *tenants = NULL;
	struct error err;
	int count = 0;
	bool ok = true;

	*worked = false;
	*next_due_ms = -1;
	if (!store_list_tenants(&tenants, &count, &err))
		return false;
	log_debug("round over %d tenants", count);
	for (int i = 0; i < count && !stop_requested; i++)
		ok = serve_tenant(ctx, &tenants[i], worked, next_due_ms) && ok;
	free(tenants);
	return ok;
}


/* Reads what arrived on CONNECTION and frees the queued notifications; true when there was one. */
static bool
drain_notifications(PGconn *connection)
{
	PGnotify *notify;
	bool any = false;

	PQconsumeInput(connection);
	while ((notify = PQnotifies(connection)) != NULL) {
		PQfreemem(notify);
		any = true;
	}
	return any;
}


/* Milliseconds of CLOCK_MONOTONIC. */
static long long
monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}


/*
 * Waits up to TIMEOUT_MS for a notification or a stop signal.  After the
 * first notification, goes on gathering them for GATHER_MS: every command
 * notifies, and a round that finds nothing new costs several queries per
 * tenant, so a burst of commits then costs one round instead of one each.
 * Deliveries start up to GATHER_MS later in exchange.
 */
static void
wait_for_events(int timeout_ms, int gather_ms)
{
	PGconn *connection = listening.connection;
	struct pollfd pfd;
	long long gather_end;

	if (connection == NULL || PQstatus(connection) != CONNECTION_OK) {
		poll(NULL, 0, timeout_ms);
		return;
	}
	pfd.fd = PQsocket(connection);
	pfd.events = POLLIN;

	/* A notification read along with an earlier result is already queued. */
	if (!drain_notifications(connection)) {
		if (poll(&pfd, 1, timeout_ms) <= 0 || !drain_notifications(connection))
			return;
	}

	gather_end = monotonic_ms() + gather_ms;
	while (!stop_requested) {
		long long left = gather_end - monotonic_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) < 0)
			break;
		drain_notifications(connection);
	}
}


static int
run(const struct config *config, const struct notify_settings *settings)
{
	struct deliver_context ctx = {config, settings};
	struct error err;

	while (!stop_requested) {
		long long next_due_ms = -1;
		bool worked = false;
		int wait_ms = config->notify_poll_seconds * 1000;

		if (own_role[0] == '\0' && !read_own_role(&err)) {
			wait_for_events(FAILURE_PAUSE_MS, 0);
			continue;
		}
		if (!ensure_listening(&err) || !serve_round(&ctx, &worked, &next_due_ms)) {
			wait_for_events(FAILURE_PAUSE_MS, 0);
			continue;
		}
		if (worked)
			continue;
		if (next_due_ms >= 0 && next_due_ms < wait_ms)
			wait_ms = (int)next_due_ms;
		wait_for_events(wait_ms, config->notify_gather_ms);
	}
	log_info("stopping");
	pg_close();
	return 0;
}


int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct config config;
	struct notify_settings settings;
	const char *path = CONFIG_DEFAULT_PATH;
	char message[512];
	bool check_only = false;
	int option;

	while ((option = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
		if (option == 'c')
			path = optarg;
		else if (option == 'k')
			check_only = true;
		else if (option == 'h')
			return usage(stdout), 0;
		else
			return usage(stderr), 2;
	}
	if (optind != argc)
		return usage(stderr), 2;

	if (!config_load(&config, path, message, sizeof(message)) ||
	    !notify_settings_load(&config, &settings, message, sizeof(message))) {
		fprintf(stderr, "perfimmo-notify: %s\n", message);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration is valid\n", path);
		return 0;
	}

	log_set_level(config.log_level);
	install_signals();
	if (!sender_init()) {
		log_error("could not initialise libcurl");
		return 1;
	}
	if (!write_pid_file(config.notify_pid_file))
		return 1;
	pg_setup(config.notify_database, "perfimmo-notify", config.statement_timeout_ms);
	log_info("started (version %s)", PACKAGE_VERSION);
	return run(&config, &settings);
}

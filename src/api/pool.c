/* Prefork pool: spawn, respawn with back-off, drain, reload. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "common/log.h"
#include "metrics/metrics.h"
#include "metrics_scrape.h"
#include "notify/settings.h"
#include "pool.h"
#include "worker.h"

#define MAX_CHILDREN 1024
#define LISTEN_BACKLOG 1024
#define MAX_BACKOFF_SECONDS 30
/*
 * Metrics slots: as many as the workers setting allows (512).  Pool places
 * beyond them, possible only with more cores than that, share slots.
 */
#define METRICS_SLOTS 512
/* A worker that dies sooner than this after its start counts as crashing. */
#define HEALTHY_SECONDS 5

struct slot {
	pid_t pid;			/* 0 while waiting to be respawned */
	time_t started;
	time_t respawn_at;
	int crashes;			/* consecutive early deaths */
};

struct pool {
	struct config *config;
	const char *config_path;
	int listen_fd;
	int size;
	struct slot slots[MAX_CHILDREN];
	pid_t retiring[MAX_CHILDREN];	/* replaced workers still draining */
	bool stopping;
	time_t stop_deadline;
};


static int
open_socket(const struct config *config)
{
	int fd, flags;

	/* A socket file left by a previous run would make bind fail. */
	if (unlink(config->socket) != 0 && errno != ENOENT) {
		log_error("could not remove stale socket %s: %s", config->socket, strerror(errno));
		return -1;
	}
	fd = FCGX_OpenSocket(config->socket, LISTEN_BACKLOG);
	if (fd < 0) {
		log_error("could not open FastCGI socket %s", config->socket);
		return -1;
	}
	if (chmod(config->socket, config->socket_mode) != 0) {
		log_error("could not set mode of %s: %s", config->socket, strerror(errno));
		close(fd);
		return -1;
	}

	/* Workers poll before accepting, so an idle worker notices a stop signal. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		log_error("could not make the socket non-blocking: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}


static int
worker_count(const struct config *config)
{
	long cores;

	if (config->workers > 0)
		return config->workers < MAX_CHILDREN ? config->workers : MAX_CHILDREN;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 && cores < MAX_CHILDREN ? (int)cores : 2;
}


static void
spawn(struct pool *pool, int index)
{
	struct slot *slot = &pool->slots[index];
	pid_t pid = fork();

	if (pid < 0) {
		log_error("could not fork worker: %s", strerror(errno));
		slot->respawn_at = time(NULL) + 1;
		return;
	}
	if (pid == 0)
		worker_run(pool->config, pool->listen_fd, index);

	slot->pid = pid;
	slot->started = time(NULL);
	log_info("worker %ld started", (long)pid);
}


static void
add_retiring(struct pool *pool, pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (pool->retiring[i] == 0) {
			pool->retiring[i] = pid;
			return;
		}
	}
}


/* Returns true when PID was a retiring worker, and removes it from the list. */
static bool
take_retiring(struct pool *pool, pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (pool->retiring[i] == pid) {
			pool->retiring[i] = 0;
			return true;
		}
	}
	return false;
}


static void
describe_exit(int status, char *text, size_t size)
{
	if (WIFEXITED(status))
		snprintf(text, size, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(text, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(text, size, "stopped");
}


/* Schedules the respawn of a slot, backing off when workers keep crashing. */
static void
schedule_respawn(struct pool *pool, struct slot *slot)
{
	time_t now = time(NULL);
	int delay = 0;

	if (now - slot->started < HEALTHY_SECONDS) {
		slot->crashes++;
		delay = 1 << (slot->crashes < 5 ? slot->crashes : 5);
		if (delay > MAX_BACKOFF_SECONDS)
			delay = MAX_BACKOFF_SECONDS;
	} else {
		slot->crashes = 0;
	}
	slot->pid = 0;
	slot->respawn_at = now + delay;
	if (delay > 0)
		log_warn("worker crashed %d times in a row: respawning in %d s",
		    slot->crashes, delay);
	(void)pool;
}


static void
reap(struct pool *pool)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		char how[64];
		bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

		describe_exit(status, how, sizeof(how));
		if (take_retiring(pool, pid)) {
			log_info("retired worker %ld %s", (long)pid, how);
			continue;
		}
		for (int i = 0; i < pool->size; i++) {
			if (pool->slots[i].pid != pid)
				continue;
			if (pool->stopping) {
				pool->slots[i].pid = 0;
				log_info("worker %ld %s", (long)pid, how);
			} else {
				if (clean)
					log_warn("worker %ld %s unexpectedly", (long)pid, how);
				else
					log_error("worker %ld %s", (long)pid, how);
				schedule_respawn(pool, &pool->slots[i]);
			}
			break;
		}
	}
}


static int
live_children(const struct pool *pool)
{
	int count = 0;

	for (int i = 0; i < pool->size; i++)
		count += pool->slots[i].pid != 0;
	for (int i = 0; i < MAX_CHILDREN; i++)
		count += pool->retiring[i] != 0;
	return count;
}


static void
signal_all(const struct pool *pool, int sig)
{
	for (int i = 0; i < pool->size; i++)
		if (pool->slots[i].pid != 0)
			kill(pool->slots[i].pid, sig);
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (pool->retiring[i] != 0)
			kill(pool->retiring[i], sig);
}


static void
begin_stop(struct pool *pool)
{
	if (pool->stopping)
		return;
	log_info("stopping: draining workers for at most %d s", pool->config->drain_timeout);
	pool->stopping = true;
	pool->stop_deadline = time(NULL) + pool->config->drain_timeout;
	signal_all(pool, SIGTERM);
}


/*
 * Re-reads the configuration and replaces every worker: the new one is
 * started before the old one is sent SIGTERM, so the socket always has
 * a worker accepting and no request fails.
 */
static void
reload(struct pool *pool)
{
	struct notify_settings notify;
	struct config fresh;
	char message[512];
	int old_size = pool->size;
	int new_size;

	if (!config_load(&fresh, pool->config_path, message, sizeof(message)) ||
	    !notify_settings_load(&fresh, &notify, message, sizeof(message))) {
		log_error("reload rejected, keeping the running configuration: %s", message);
		return;
	}
	if (strcmp(fresh.socket, pool->config->socket) != 0 ||
	    fresh.socket_mode != pool->config->socket_mode)
		log_warn("socket and socket_mode changes need a restart; keeping %s",
		    pool->config->socket);
	snprintf(fresh.socket, sizeof(fresh.socket), "%s", pool->config->socket);
	fresh.socket_mode = pool->config->socket_mode;
	*pool->config = fresh;
	log_set_level(fresh.log_level);

	new_size = worker_count(pool->config);
	log_info("reloading: replacing %d workers with %d", old_size, new_size);

	for (int i = 0; i < (old_size > new_size ? old_size : new_size); i++) {
		pid_t old = i < old_size ? pool->slots[i].pid : 0;

		if (i < new_size) {
			pool->slots[i].crashes = 0;
			spawn(pool, i);
		} else {
			pool->slots[i].pid = 0;
		}
		if (old != 0) {
			add_retiring(pool, old);
			kill(old, SIGTERM);
		}
	}
	pool->size = new_size;
}


static void
respawn_due(struct pool *pool)
{
	time_t now = time(NULL);

	for (int i = 0; i < pool->size; i++)
		if (pool->slots[i].pid == 0 && pool->slots[i].respawn_at <= now)
			spawn(pool, i);
}


static bool
write_pid_file(const struct config *config)
{
	FILE *file;

	if (config->pid_file[0] == '\0')
		return true;
	file = fopen(config->pid_file, "w");
	if (file == NULL) {
		log_error("could not write pid file %s: %s", config->pid_file, strerror(errno));
		return false;
	}
	fprintf(file, "%ld\n", (long)getpid());
	fclose(file);
	return true;
}


int
pool_run(struct config *config, const char *config_path)
{
	static struct pool pool;
	sigset_t set;
	struct timespec tick = {1, 0};

	pool.config = config;
	pool.config_path = config_path;

	/* The master handles signals synchronously; children unblock them. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (FCGX_Init() != 0) {
		log_error("could not initialise libfcgi");
		return 1;
	}
	pool.listen_fd = open_socket(config);
	if (pool.listen_fd < 0 || !write_pid_file(config))
		return 1;

	/* Before the first fork, so that every worker inherits the mapping. */
	if (!metrics_init(metrics_route_keys(), METRICS_SLOTS))
		return 1;

	pool.size = worker_count(config);
	log_info("listening on %s with %d workers", config->socket, pool.size);
	for (int i = 0; i < pool.size; i++)
		spawn(&pool, i);

	for (;;) {
		int sig = sigtimedwait(&set, NULL, &tick);

		if (sig == SIGCHLD)
			reap(&pool);
		else if (sig == SIGTERM || sig == SIGINT)
			begin_stop(&pool);
		else if (sig == SIGHUP && !pool.stopping)
			reload(&pool);
		reap(&pool);

		if (pool.stopping) {
			if (live_children(&pool) == 0)
				break;
			if (time(NULL) >= pool.stop_deadline) {
				log_error("drain time-out: killing %d workers", live_children(&pool));
				signal_all(&pool, SIGKILL);
				pool.stop_deadline = time(NULL) + 5;
			}
			continue;
		}
		respawn_due(&pool);
	}

	close(pool.listen_fd);
	unlink(config->socket);
	if (config->pid_file[0] != '\0')
		unlink(config->pid_file);
	log_info("stopped");
	return 0;
}

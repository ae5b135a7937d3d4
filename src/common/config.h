/*
 * The configuration file: `key = value` lines, `#` comments, values
 * optionally in double quotes.  Every key and its default is listed in
 * README.md; an unknown key or a bad value is an error naming the line.
 */
#ifndef PERFIMMO_CONFIG_H
#define PERFIMMO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

#define CONFIG_DEFAULT_PATH PERFIMMO_SYSCONFDIR "/perfimmo/perfimmo.conf"
#define CONFIG_PATH_MAX 512
#define CONFIG_TEXT_MAX 1024

struct config {
	char socket[CONFIG_PATH_MAX];
	unsigned socket_mode;
	int workers;			/* 0 = one per online core */
	int drain_timeout;		/* seconds a stopping worker may finish in */
	char database[CONFIG_TEXT_MAX];	/* libpq conninfo of the worker role */
	char admin_database[CONFIG_TEXT_MAX]; /* conninfo of the owner role */
	char redis_host[256];
	int redis_port;
	int redis_timeout_ms;
	int generation_mirror_ttl_ms;	/* TTL of each tenant's generation in Redis */
	size_t body_limit;		/* bytes */
	enum log_level log_level;
	int session_lifetime;		/* seconds */
	int session_idle;		/* seconds */
	char cookie_domain[256];	/* Domain attribute of the session cookie; "" = none */
	int login_max_failures;		/* failed logins per login and window */
	int login_max_failures_per_address; /* failed logins per client address and window */
	int login_failure_window;	/* seconds */
	int statement_timeout_ms;
	char sql_dir[CONFIG_PATH_MAX];
	char nginx_tenants[CONFIG_PATH_MAX];
	char nginx_server_include[CONFIG_PATH_MAX];
	char nginx_test[CONFIG_TEXT_MAX];
	char nginx_reload[CONFIG_TEXT_MAX];
	char pid_file[CONFIG_PATH_MAX];
	/* Comma-separated glob patterns of the certificate files the metrics report on. */
	char metrics_certificates[CONFIG_TEXT_MAX];

	/* perfimmo-notify, and the destination checks of the API (docs/notifications.md) */
	char notify_database[CONFIG_TEXT_MAX];	/* conninfo of the perfimmo_notify role */
	int notify_poll_seconds;	/* longest sleep without a NOTIFY */
	int notify_gather_ms;		/* wait after a NOTIFY for more, 0-1000 */
	int notify_batch_max;		/* events per delivery, 1-100 */
	int notify_timeout_ms;		/* whole attempt, at most 10 s */
	char notify_retry_schedule_ms[CONFIG_TEXT_MAX]; /* comma-separated delays */
	char notify_allow_networks[CONFIG_TEXT_MAX]; /* comma-separated CIDRs; "" = none */
	int notify_allow_http;		/* 1: plain http to allowed networks (tests) */
	char notify_ca_file[CONFIG_PATH_MAX]; /* "" = the system's CA store */
	char notify_pid_file[CONFIG_PATH_MAX];
};

void config_defaults(struct config *config);

/*
 * Applies the lines of TEXT (NUL-terminated) over CONFIG.  On failure
 * returns false and writes "NAME:LINE: reason" into MESSAGE.
 */
bool config_parse_text(struct config *config, const char *text,
    const char *name, char *message, size_t message_size);

/* Resets CONFIG to the defaults, then reads the file at PATH. */
bool config_load(struct config *config, const char *path, char *message,
    size_t message_size);

#endif

/*
 * The master process of perfimmo-api: opens the FastCGI socket, keeps
 * `workers` worker processes alive, drains them on SIGTERM/SIGINT and
 * replaces them one by one with a re-read configuration on SIGHUP.
 */
#ifndef PERFIMMO_POOL_H
#define PERFIMMO_POOL_H

#include "common/config.h"

/* Runs the pool until SIGTERM or SIGINT; returns the exit status. */
int pool_run(struct config *config, const char *config_path);

#endif

/* A worker process: accepts FastCGI requests on the shared socket until it receives SIGTERM. */
#ifndef PERFIMMO_WORKER_H
#define PERFIMMO_WORKER_H

#include "common/config.h"

/*
 * Serves requests on LISTEN_FD, counting them into metrics slot SLOT (the
 * worker's place in the pool); never returns (exits 0 once drained).
 */
void worker_run(const struct config *config, int listen_fd, int slot)
    __attribute__((noreturn));

#endif

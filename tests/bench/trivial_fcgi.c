/*
 * Trivial FastCGI responders: the ceilings of the benchmark (scripts/dev
 * bench). Each does the least a libfcgi worker can do for one kind of
 * request, so that the API's figures can be read as a fraction of them.
 *
 *   trivial_fcgi SOCKET WORKERS REDIS_PORT PG_CONNINFO [--linger]
 *
 *   /bench/fcgi    the 1.5 KB document from memory
 *   /bench/redis   the document from one Redis GET
 *   /bench/pg      the document from one PostgreSQL primary-key SELECT
 *   /bench/insert  POST: the body inserted as one row, in one transaction
 *
 * WORKERS processes accept on one socket with FCGX_Accept_r, as
 * perfimmo-api's pool does. Each response ends with FCGX_Detach once the
 * request's input is read to its end, so the connection is closed at once
 * instead of lingering until nginx closes its side; --linger keeps
 * libfcgi's lingering close, to measure what that costs.
 *
 * Built by tests/bench/run with gcc; not part of the product.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#define MAX_WORKERS 64
#define MAX_BODY 65536
#define DOC_KEY "bench:doc"
#define DOC_ROWS 100

struct worker {
	redisContext *redis;
	PGconn *pg;
	const char *conninfo;
	int redis_port;
	char *doc;		/* the document, read from Redis at start */
	size_t doc_len;
	unsigned long served;
};

static bool linger_close;


static void
respond(FCGX_Request *r, int status, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n\r\n",
	    status, status == 200 ? "OK" : status == 201 ? "Created" : "Error", len);

	FCGX_PutStr(head, n, r->out);
	FCGX_PutStr(body, (int)len, r->out);
}


static void
fail(FCGX_Request *r, const char *what)
{
	char body[200];
	int n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}", what);

	respond(r, 500, body, (size_t)n);
}


static bool
redis_ready(struct worker *w)
{
	struct timeval timeout = {1, 0};

	if (w->redis != NULL && w->redis->err == 0)
		return true;
	if (w->redis != NULL)
		redisFree(w->redis);
	w->redis = redisConnectWithTimeout("127.0.0.1", w->redis_port, timeout);
	return w->redis != NULL && w->redis->err == 0;
}


static bool
pg_ready(struct worker *w)
{
	if (w->pg != NULL && PQstatus(w->pg) == CONNECTION_OK)
		return true;
	if (w->pg != NULL)
		PQfinish(w->pg);
	w->pg = PQconnectdb(w->conninfo);
	return PQstatus(w->pg) == CONNECTION_OK;
}


static void
serve_redis(FCGX_Request *r, struct worker *w)
{
	redisReply *reply;

	if (!redis_ready(w)) {
		fail(r, "redis");
		return;
	}
	reply = redisCommand(w->redis, "GET %s", DOC_KEY);
	if (reply == NULL || reply->type != REDIS_REPLY_STRING)
		fail(r, "redis get");
	else
		respond(r, 200, reply->str, reply->len);
	if (reply != NULL)
		freeReplyObject(reply);
}


static void
serve_pg(FCGX_Request *r, struct worker *w)
{
	char id[16];
	const char *params[1] = {id};
	PGresult *result;

	if (!pg_ready(w)) {
		fail(r, "postgresql");
		return;
	}
	snprintf(id, sizeof(id), "%lu", w->served % DOC_ROWS + 1);
	result = PQexecParams(w->pg, "SELECT body FROM doc WHERE id = $1", 1, NULL,
	    params, NULL, NULL, 0);
	if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1)
		fail(r, "select");
	else
		respond(r, 200, PQgetvalue(result, 0, 0), (size_t)PQgetlength(result, 0, 0));
	PQclear(result);
}


/* Reads the whole body, as the API does before it runs a command. */
static char *
read_body(FCGX_Request *r, int *len)
{
	const char *length = FCGX_GetParam("CONTENT_LENGTH", r->envp);
	long want = length != NULL ? strtol(length, NULL, 10) : 0;
	char *body;

	if (want <= 0 || want > MAX_BODY)
		return NULL;
	body = malloc((size_t)want + 1);
	if (body == NULL)
		return NULL;
	*len = FCGX_GetStr(body, (int)want, r->in);
	body[*len] = '\0';
	if (*len != want) {
		free(body);
		return NULL;
	}
	return body;
}


static void
serve_insert(FCGX_Request *r, struct worker *w)
{
	static const char created[] = "{\"inserted\":true}";
	const char *params[1];
	PGresult *result;
	int len = 0;
	char *body = read_body(r, &len);

	if (body == NULL) {
		fail(r, "body");
		return;
	}
	if (!pg_ready(w)) {
		free(body);
		fail(r, "postgresql");
		return;
	}
	params[0] = body;
	result = PQexecParams(w->pg, "INSERT INTO ev (body) VALUES ($1::jsonb)", 1, NULL,
	    params, NULL, NULL, 0);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		fail(r, "insert");
	else
		respond(r, 201, created, sizeof(created) - 1);
	PQclear(result);
	free(body);
}


static void
serve(FCGX_Request *r, struct worker *w)
{
	const char *uri = FCGX_GetParam("DOCUMENT_URI", r->envp);

	if (uri == NULL)
		uri = "";
	if (strcmp(uri, "/bench/redis") == 0)
		serve_redis(r, w);
	else if (strcmp(uri, "/bench/pg") == 0)
		serve_pg(r, w);
	else if (strcmp(uri, "/bench/insert") == 0)
		serve_insert(r, w);
	else
		respond(r, 200, w->doc, w->doc_len);
	w->served++;
}


/*
 * Closing a socket with unread input sends a reset, which can cost nginx
 * the response: detach only when the input stream is at its end.
 */
static void
finish(FCGX_Request *r)
{
	if (!linger_close && FCGX_GetChar(r->in) == EOF)
		FCGX_Detach(r);
	FCGX_Finish_r(r);
}


static void
load_doc(struct worker *w)
{
	redisReply *reply;

	if (!redis_ready(w)) {
		fprintf(stderr, "trivial_fcgi: no Redis on port %d\n", w->redis_port);
		exit(1);
	}
	reply = redisCommand(w->redis, "GET %s", DOC_KEY);
	if (reply == NULL || reply->type != REDIS_REPLY_STRING) {
		fprintf(stderr, "trivial_fcgi: Redis has no %s\n", DOC_KEY);
		exit(1);
	}
	w->doc = malloc(reply->len);
	if (w->doc == NULL)
		exit(1);
	memcpy(w->doc, reply->str, reply->len);
	w->doc_len = reply->len;
	freeReplyObject(reply);
}


static void
worker_loop(int fd, const char *conninfo, int redis_port)
{
	struct worker w = {.conninfo = conninfo, .redis_port = redis_port};
	FCGX_Request request;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	load_doc(&w);
	if (!pg_ready(&w)) {
		fprintf(stderr, "trivial_fcgi: %s", PQerrorMessage(w.pg));
		exit(1);
	}
	if (FCGX_InitRequest(&request, fd, 0) != 0)
		exit(1);
	while (FCGX_Accept_r(&request) >= 0) {
		serve(&request, &w);
		finish(&request);
	}
	exit(0);
}


int
main(int argc, char **argv)
{
	pid_t children[MAX_WORKERS];
	sigset_t stop;
	int fd, workers, sig;

	if (argc < 5 || argc > 6 || (argc == 6 && strcmp(argv[5], "--linger") != 0)) {
		fprintf(stderr, "usage: trivial_fcgi SOCKET WORKERS REDIS_PORT PG_CONNINFO [--linger]\n");
		return 2;
	}
	workers = atoi(argv[2]);
	if (workers < 1 || workers > MAX_WORKERS) {
		fprintf(stderr, "trivial_fcgi: WORKERS must be 1 to %d\n", MAX_WORKERS);
		return 2;
	}
	linger_close = argc == 6;

	if (FCGX_Init() != 0)
		return 1;
	unlink(argv[1]);
	fd = FCGX_OpenSocket(argv[1], 1024);
	if (fd < 0 || chmod(argv[1], 0666) != 0) {
		fprintf(stderr, "trivial_fcgi: cannot listen on %s\n", argv[1]);
		return 1;
	}

	/* The parent waits for SIGTERM or SIGINT, then stops its workers. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	for (int i = 0; i < workers; i++) {
		children[i] = fork();
		if (children[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &stop, NULL);
			worker_loop(fd, argv[4], atoi(argv[3]));
		}
		if (children[i] < 0) {
			perror("trivial_fcgi: fork");
			workers = i;
			break;
		}
	}

	sigwait(&stop, &sig);
	for (int i = 0; i < workers; i++)
		kill(children[i], SIGTERM);
	for (int i = 0; i < workers; i++)
		waitpid(children[i], NULL, 0);
	unlink(argv[1]);
	return 0;
}

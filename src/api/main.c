/* perfimmo-api: the FastCGI worker pool of the perfimmo API. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "notify/settings.h"
#include "common/log.h"
#include "pool.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: perfimmo-api [-c FILE] [--check-config]\n"
	    "  -c, --config FILE   configuration file (default %s)\n"
	    "      --check-config  validate the configuration and exit\n"
	    "  -h, --help          show this help\n"
	    "  -V, --version       show the version\n",
	    CONFIG_DEFAULT_PATH);
}


int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static struct config config;
	struct notify_settings notify;
	const char *path = CONFIG_DEFAULT_PATH;
	bool check_only = false;
	char message[512];
	int option;

	while ((option = getopt_long(argc, argv, "c:hV", options, NULL)) != -1) {
		switch (option) {
		case 'c':
			path = optarg;
			break;
		case 'k':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("perfimmo-api %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	if (!config_load(&config, path, message, sizeof(message)) ||
	    !notify_settings_load(&config, &notify, message, sizeof(message))) {
		fprintf(stderr, "perfimmo-api: %s\n", message);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration is valid\n", path);
		return 0;
	}

	log_set_level(config.log_level);
	return pool_run(&config, path);
}

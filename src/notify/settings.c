/* Checked notification settings. */
#include "settings.h"


bool
notify_settings_load(const struct config *config, struct notify_settings *settings,
    char *message, size_t message_size)
{
	return destination_policy_parse(config->notify_allow_networks, config->notify_allow_http != 0,
	    &settings->policy, message, message_size) &&
	    backoff_parse(config->notify_retry_schedule_ms, &settings->retry, message, message_size);
}

/* Strict parsers of the shared scalar types, whose forms types.h gives. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unistr.h>

#include "types.h"

#define MS_PER_DAY INT64_C(86400000)


static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}


static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}


/* Reads COUNT ASCII digits at S as a decimal number. */
static bool
read_digits(const char *s, int count, int *value)
{
	*value = 0;
	for (int i = 0; i < count; i++) {
		if (!is_digit(s[i]))
			return false;
		*value = *value * 10 + (s[i] - '0');
	}
	return true;
}


static bool
is_leap_year(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}


static int
days_in_month(int64_t year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap_year(year))
		return 29;
	return days[month - 1];
}


bool
types_parse_uuid(const char *s, size_t len, char out[TYPES_UUID_SIZE],
    struct error *err)
{
	if (len != TYPES_UUID_SIZE - 1)
		goto invalid;

	for (size_t i = 0; i < len; i++) {
		bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
		int digit;

		if (dash_position) {
			if (s[i] != '-')
				goto invalid;
			out[i] = '-';
			continue;
		}
		digit = hex_digit(s[i]);
		if (digit < 0)
			goto invalid;
		out[i] = "0123456789abcdef"[digit];
	}
	out[len] = '\0';
	return true;

invalid:
	return error_set(err, ERR_INVALID_COMMAND,
	    "doit être un SafeUUID (8-4-4-4-12 chiffres hexadécimaux)",
	    "must be a SafeUUID (8-4-4-4-12 hexadecimal digits)");
}


/* Reads the digits of "YYYY-MM-DD" at the start of S (at least 10 bytes) without checking their ranges. */
static bool
read_date_form(const char *s, struct types_date *out)
{
	return read_digits(s, 4, &out->year) && s[4] == '-'
	    && read_digits(s + 5, 2, &out->month) && s[7] == '-'
	    && read_digits(s + 8, 2, &out->day);
}


/* Reads the "YYYY-MM-DD" at the start of S, which has at least 10 bytes. */
static bool
read_date(const char *s, struct types_date *out, struct error *err)
{
	if (!read_date_form(s, out))
		return error_set(err, ERR_INVALID_COMMAND,
		    "doit être une date au format AAAA-MM-JJ",
		    "must be a date in the form YYYY-MM-DD");

	if (out->year < 1)
		return error_set(err, ERR_INVALID_COMMAND,
		    "l'année doit être comprise entre 0001 et 9999",
		    "the year must be between 0001 and 9999");
	if (out->month < 1 || out->month > 12 || out->day < 1
	    || out->day > days_in_month(out->year, out->month))
		return error_set(err, ERR_INVALID_COMMAND,
		    "n'est pas une date du calendrier",
		    "is not a calendar date");
	return true;
}


bool
types_parse_local_date(const char *s, size_t len, struct types_date *out,
    struct error *err)
{
	if (len != TYPES_DATE_SIZE - 1)
		return error_set(err, ERR_INVALID_COMMAND,
		    "doit être une date au format AAAA-MM-JJ",
		    "must be a date in the form YYYY-MM-DD");
	return read_date(s, out, err);
}


void
types_format_local_date(const struct types_date *date,
    char out[TYPES_DATE_SIZE])
{
	/* The modulos only keep the compiler's truncation check quiet. */
	snprintf(out, TYPES_DATE_SIZE, "%04u-%02u-%02u",
	    (unsigned)date->year % 10000u, (unsigned)date->month % 100u,
	    (unsigned)date->day % 100u);
}


/* Howard Hinnant's days_from_civil: 400-year eras of 146097 days, March-based years. */
int64_t
types_days_from_civil(int64_t year, int month, int day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t year_of_era = y - era * 400;
	int64_t month_from_march = month > 2 ? month - 3 : month + 9;
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4
	    - year_of_era / 100 + day_of_year;

	return era * 146097 + day_of_era - 719468;
}


void
types_civil_from_days(int64_t days, struct types_date *out)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t day_of_era = z - era * 146097;
	int64_t year_of_era = (day_of_era - day_of_era / 1460
	    + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era
	    - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;
	int month = (int)(month_from_march < 10 ? month_from_march + 3
	    : month_from_march - 9);

	out->day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	out->month = month;
	out->year = (int)(year_of_era + era * 400 + (month <= 2));
}


static bool
fail_datetime_form(struct error *err)
{
	return error_set(err, ERR_INVALID_COMMAND,
	    "doit être une date-heure au format AAAA-MM-JJTHH:MM:SS[.f]{Z|±HH:MM}",
	    "must be a DateTime in the form YYYY-MM-DDTHH:MM:SS[.f]{Z|±HH:MM}");
}


/* Reads "THH:MM:SS" at S (9 bytes) into seconds of the day. */
static bool
read_time(const char *s, int64_t *seconds, struct error *err)
{
	int hours, minutes, secs;

	if (s[0] != 'T' || !read_digits(s + 1, 2, &hours) || s[3] != ':'
	    || !read_digits(s + 4, 2, &minutes) || s[6] != ':'
	    || !read_digits(s + 7, 2, &secs))
		return fail_datetime_form(err);
	if (hours > 23 || minutes > 59 || secs > 59)
		return error_set(err, ERR_INVALID_COMMAND,
		    "heure invalide (HH 00-23, MM et SS 00-59)",
		    "invalid time (HH 00-23, MM and SS 00-59)");

	*seconds = hours * 3600 + minutes * 60 + secs;
	return true;
}


/* Reads an optional ".f{1,9}" at *POS, truncated to milliseconds. */
static bool
read_fraction(const char *s, size_t len, size_t *pos, int64_t *ms,
    struct error *err)
{
	size_t digits = 0;

	*ms = 0;
	if (*pos >= len || s[*pos] != '.')
		return true;
	(*pos)++;

	while (*pos < len && is_digit(s[*pos])) {
		if (digits < 3)
			*ms = *ms * 10 + (s[*pos] - '0');
		digits++;
		(*pos)++;
	}
	if (digits < 1 || digits > 9)
		return fail_datetime_form(err);

	for (size_t i = digits; i < 3; i++)
		*ms *= 10;
	return true;
}


/* Reads the mandatory "Z" or "±HH:MM" that ends S, in seconds east of UTC. */
static bool
read_offset(const char *s, size_t len, size_t pos, int64_t *seconds,
    struct error *err)
{
	int hours, minutes;

	if (len - pos == 1 && s[pos] == 'Z') {
		*seconds = 0;
		return true;
	}
	if (len - pos != 6 || (s[pos] != '+' && s[pos] != '-')
	    || !read_digits(s + pos + 1, 2, &hours) || s[pos + 3] != ':'
	    || !read_digits(s + pos + 4, 2, &minutes))
		return fail_datetime_form(err);
	if (hours > 14 || minutes > 59)
		return error_set(err, ERR_INVALID_COMMAND,
		    "décalage horaire invalide (heures 00-14, minutes 00-59)",
		    "invalid UTC offset (hours 00-14, minutes 00-59)");

	*seconds = (hours * 3600 + minutes * 60) * (s[pos] == '-' ? -1 : 1);
	return true;
}


bool
types_parse_datetime(const char *s, size_t len, int64_t *epoch_ms,
    struct error *err)
{
	static const size_t date_time_len = sizeof("YYYY-MM-DDTHH:MM:SS") - 1;
	struct types_date date;
	int64_t seconds = 0, ms = 0, offset = 0, result;
	size_t pos = date_time_len;

	if (len < date_time_len + 1 || memchr(s, '\0', len) != NULL || !read_date_form(s, &date))
		return fail_datetime_form(err);
	if (!read_date(s, &date, err) || !read_time(s + 10, &seconds, err))
		return false;
	if (!read_fraction(s, len, &pos, &ms, err)
	    || !read_offset(s, len, pos, &offset, err))
		return false;

	result = (types_days_from_civil(date.year, date.month, date.day) * 86400
	    + seconds - offset) * 1000 + ms;

	/* A ±14 h offset can move the instant out of years 0001-9999. */
	if (result < types_days_from_civil(1, 1, 1) * MS_PER_DAY
	    || result >= types_days_from_civil(10000, 1, 1) * MS_PER_DAY)
		return error_set(err, ERR_INVALID_COMMAND,
		    "hors des années 0001 à 9999 une fois converti en UTC",
		    "outside years 0001 to 9999 once converted to UTC");

	*epoch_ms = result;
	return true;
}


void
types_format_datetime(int64_t epoch_ms, char out[TYPES_DATETIME_SIZE])
{
	/* Floor division, so instants before 1970 count back from their day. */
	int64_t days = epoch_ms / MS_PER_DAY;
	int64_t ms_of_day = epoch_ms % MS_PER_DAY;
	struct types_date date;

	if (ms_of_day < 0) {
		ms_of_day += MS_PER_DAY;
		days--;
	}
	types_civil_from_days(days, &date);

	snprintf(out, TYPES_DATETIME_SIZE,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    date.year, date.month, date.day,
	    (int)(ms_of_day / 3600000), (int)(ms_of_day / 60000 % 60),
	    (int)(ms_of_day / 1000 % 60), (int)(ms_of_day % 1000));
}


/* Luhn checksum: double every second digit from the right. */
static bool
luhn_valid(const char *digits, size_t len)
{
	int sum = 0;

	for (size_t i = 0; i < len; i++) {
		int digit = digits[len - 1 - i] - '0';

		if (i % 2 == 1) {
			digit *= 2;
			if (digit > 9)
				digit -= 9;
		}
		sum += digit;
	}
	return sum % 10 == 0;
}


bool
types_check_siret(const char *s, size_t len, struct error *err)
{
	bool valid;

	if (len != 14)
		goto malformed;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			goto malformed;

	/* La Poste establishments share the SIREN 356000000 and break Luhn. */
	if (memcmp(s, "356000000", 9) == 0) {
		int sum = 0;

		for (size_t i = 0; i < len; i++)
			sum += s[i] - '0';
		valid = sum % 5 == 0;
	} else {
		valid = luhn_valid(s, len);
	}

	if (!valid)
		return error_set(err, ERR_INVALID_COMMAND,
		    "clé de contrôle du SIRET invalide",
		    "invalid SIRET check digit");
	return true;

malformed:
	return error_set(err, ERR_INVALID_COMMAND,
	    "doit être un SIRET de 14 chiffres",
	    "must be a SIRET of 14 digits");
}


static bool
all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}


bool
types_check_phone(const char *s, size_t len, struct error *err)
{
	/* 0[1-9][0-9]{8}: a French national number. */
	if (len == 10 && s[0] == '0' && s[1] >= '1' && s[1] <= '9'
	    && all_digits(s, len))
		return true;

	/* \+[1-9][0-9]{7,14}: an international number of 8 to 15 digits. */
	if (len >= 9 && len <= 16 && s[0] == '+' && s[1] >= '1' && s[1] <= '9'
	    && all_digits(s + 1, len - 1))
		return true;

	return error_set(err, ERR_INVALID_COMMAND,
	    "doit être un numéro de téléphone : 10 chiffres commençant par 0, "
	    "ou + suivi de 8 à 15 chiffres, sans espace ni point",
	    "must be a phone number: 10 digits starting with 0, "
	    "or + followed by 8 to 15 digits, without spaces or dots");
}


/* \s of the Email pattern: ASCII whitespace. */
static bool
is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
	    || c == '\r';
}


/* Matches ^[^@\s]+@[^@\s]+\.[^@\s]+$ on bytes, leaving UTF-8 to the caller. */
static bool
email_matches(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	size_t domain_len;
	bool inner_dot = false;

	if (at == NULL || at == s)
		return false;
	domain_len = len - (size_t)(at - s) - 1;

	for (size_t i = 0; i < len; i++)
		if (is_ascii_space(s[i]) || s[i] == '\0'
		    || (s[i] == '@' && s + i != at))
			return false;

	/* The domain needs a dot that is neither its first nor its last byte. */
	for (size_t i = 1; i + 1 < domain_len; i++)
		if (at[1 + i] == '.')
			inner_dot = true;
	return inner_dot;
}


char *
types_parse_email(const char *s, size_t len, struct error *err)
{
	const uint8_t *bytes = (const uint8_t *)s;
	uint8_t *lower;
	size_t lower_len;
	char *out;

	if (u8_check(bytes, len) != NULL || !email_matches(s, len)) {
		error_set(err, ERR_INVALID_COMMAND,
		    "doit être une adresse e-mail valide",
		    "must be a valid email address");
		return NULL;
	}
	if (u8_mbsnlen(bytes, len) > TYPES_EMAIL_MAX) {
		error_set(err, ERR_INVALID_COMMAND,
		    "l'adresse e-mail ne doit pas dépasser %d caractères",
		    "the email address must not exceed %d characters",
		    TYPES_EMAIL_MAX);
		return NULL;
	}

	lower = u8_tolower(bytes, len, NULL, NULL, NULL, &lower_len);
	out = lower != NULL ? malloc(lower_len + 1) : NULL;
	if (out == NULL) {
		free(lower);
		error_set(err, ERR_INTERNAL,
		    "mémoire insuffisante", "out of memory");
		return NULL;
	}
	memcpy(out, lower, lower_len);
	out[lower_len] = '\0';
	free(lower);
	return out;
}


bool
types_check_non_empty(const char *s, size_t len, struct error *err)
{
	bool blank = true;

	if (memchr(s, '\0', len) != NULL)
		return error_set(err, ERR_INVALID_COMMAND,
		    "ne doit pas contenir d'octet NUL",
		    "must not contain a NUL byte");

	for (size_t i = 0; i < len && blank; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			blank = false;

	if (blank)
		return error_set(err, ERR_INVALID_COMMAND,
		    "ne doit pas être vide", "must not be blank");
	return true;
}

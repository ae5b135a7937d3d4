/* Unit tests of the shared counters, the text format writer and the certificate expiry. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "metrics/certificate.h"
#include "metrics/exposition.h"
#include "metrics/metrics.h"
#include "run_suite.h"

#define ROUTE_KEYS 3
#define SLOTS 4

/* Index of status 404 among the counted statuses. */
static int
status_index_of(int status)
{
	for (int i = 0; i < METRICS_STATUSES; i++)
		if (metrics_status_code(i) == status)
			return i;
	return METRICS_STATUS_OTHER;
}


static const struct metrics_cell *
cell_of(const struct metrics_totals *totals, size_t route_key, int status)
{
	return &totals->cells[route_key * METRICS_STATUSES + (size_t)status_index_of(status)];
}


static void
setup(void)
{
	ck_assert(metrics_init(ROUTE_KEYS, SLOTS));
}


static void
teardown(void)
{
	metrics_shutdown();
}


START_TEST(sum_adds_every_slot)
{
	struct metrics_totals totals;

	metrics_attach(0);
	metrics_record_request(1, 404, ERR_NOT_FOUND, 0.003);
	metrics_attach(2);
	metrics_record_request(1, 404, ERR_NOT_FOUND, 0.2);
	metrics_count(METRICS_VIEW_CACHE_HITS);

	ck_assert(metrics_sum(&totals));
	ck_assert_int_eq(totals.slots_in_use, 2);
	ck_assert_uint_eq(cell_of(&totals, 1, 404)->count, 2);
	ck_assert_uint_eq(cell_of(&totals, 1, 404)->sum_us, 203000);
	ck_assert_uint_eq(totals.rejects[ERR_NOT_FOUND], 2);
	ck_assert_uint_eq(totals.counters[METRICS_VIEW_CACHE_HITS], 1);
	ck_assert_uint_eq(cell_of(&totals, 0, 404)->count, 0);
	metrics_totals_free(&totals);
}
END_TEST

START_TEST(bucket_takes_its_upper_bound)
{
	struct metrics_totals totals;
	const struct metrics_cell *cell;

	metrics_attach(0);
	metrics_record_request(0, 200, ERR_NONE, 0.005);
	metrics_record_request(0, 200, ERR_NONE, 0.0051);
	metrics_record_request(0, 200, ERR_NONE, 60);

	ck_assert(metrics_sum(&totals));
	cell = cell_of(&totals, 0, 200);
	ck_assert_uint_eq(cell->buckets[0], 1);
	ck_assert_uint_eq(cell->buckets[1], 1);
	for (int b = 2; b < METRICS_BUCKETS; b++)
		ck_assert_uint_eq(cell->buckets[b], 0);
	ck_assert_uint_eq(cell->count, 3);
	metrics_totals_free(&totals);
}
END_TEST

START_TEST(unknown_status_counts_as_other)
{
	struct metrics_totals totals;

	metrics_attach(1);
	metrics_record_request(2, 418, ERR_NONE, 0.001);

	ck_assert(metrics_sum(&totals));
	ck_assert_int_eq(metrics_status_code(METRICS_STATUS_OTHER), 0);
	ck_assert_uint_eq(totals.cells[2 * METRICS_STATUSES + METRICS_STATUS_OTHER].count, 1);
	ck_assert_uint_eq(totals.rejects[ERR_NONE], 0);
	metrics_totals_free(&totals);
}
END_TEST

START_TEST(out_of_range_key_ignored)
{
	struct metrics_totals totals;

	metrics_attach(0);
	metrics_record_request(ROUTE_KEYS, 200, ERR_NOT_FOUND, 0.001);

	ck_assert(metrics_sum(&totals));
	for (size_t c = 0; c < ROUTE_KEYS * METRICS_STATUSES; c++)
		ck_assert_uint_eq(totals.cells[c].count, 0);
	ck_assert_uint_eq(totals.rejects[ERR_NOT_FOUND], 0);
	metrics_totals_free(&totals);
}
END_TEST

START_TEST(slot_index_wraps)
{
	struct metrics_totals totals;

	metrics_attach(SLOTS + 1);
	metrics_count(METRICS_REDIS_RECONNECTS);

	ck_assert(metrics_sum(&totals));
	ck_assert_int_eq(totals.slots_in_use, 1);
	ck_assert_uint_eq(totals.counters[METRICS_REDIS_RECONNECTS], 1);
	metrics_totals_free(&totals);
}
END_TEST

/* A child process writes into the area mapped before the fork; the parent reads it. */
START_TEST(child_counts_reach_parent)
{
	struct metrics_totals totals;
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		metrics_attach(3);
		metrics_count(METRICS_POSTGRESQL_RECONNECTS);
		metrics_record_request(0, 503, ERR_SERVICE_UNAVAILABLE, 0.01);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);

	ck_assert(metrics_sum(&totals));
	ck_assert_uint_eq(totals.counters[METRICS_POSTGRESQL_RECONNECTS], 1);
	ck_assert_uint_eq(cell_of(&totals, 0, 503)->count, 1);
	ck_assert_uint_eq(totals.rejects[ERR_SERVICE_UNAVAILABLE], 1);
	metrics_totals_free(&totals);
}
END_TEST

START_TEST(counting_without_init_does_nothing)
{
	struct metrics_totals totals;

	metrics_shutdown();
	metrics_count(METRICS_VIEW_CACHE_MISSES);
	metrics_record_request(0, 200, ERR_NONE, 0.1);
	ck_assert(!metrics_sum(&totals));
	metrics_totals_free(&totals);
}
END_TEST

START_TEST(label_values_escaped)
{
	struct exposition_labels labels;
	struct strbuf out;

	exposition_labels_clear(&labels);
	exposition_label(&labels, "path", "a\"b\\c\nd");
	exposition_label(&labels, "le", "+Inf");
	strbuf_init(&out);
	exposition_sample_u64(&out, "x_total", &labels, 7);
	ck_assert_str_eq(out.data, "x_total{path=\"a\\\"b\\\\c\\nd\",le=\"+Inf\"} 7\n");
	strbuf_free(&out);
}
END_TEST

START_TEST(family_lines_and_values)
{
	struct strbuf out;

	strbuf_init(&out);
	exposition_family(&out, "x_seconds", "gauge", "Line one\nback\\slash.");
	exposition_sample_double(&out, "x_seconds", NULL, 0.25);
	exposition_sample_double(&out, "x_seconds", NULL, -1.0 / 0.0);
	ck_assert_str_eq(out.data,
	    "# HELP x_seconds Line one\\nback\\\\slash.\n"
	    "# TYPE x_seconds gauge\n"
	    "x_seconds 0.25\n"
	    "x_seconds -Inf\n");
	strbuf_free(&out);
}
END_TEST

START_TEST(label_too_long_left_out)
{
	struct exposition_labels labels;
	char value[2000];

	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	exposition_labels_clear(&labels);
	exposition_label(&labels, "a", "1");
	exposition_label(&labels, "long", value);
	ck_assert_str_eq(labels.text, "a=\"1\"");
}
END_TEST

/* Writes a self-signed certificate valid from NOW until NOW + SECONDS to PATH. */
static void
write_certificate(const char *path, time_t now, long seconds)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *certificate = X509_new();
	FILE *file;

	ck_assert_ptr_nonnull(key);
	ck_assert_ptr_nonnull(certificate);
	X509_set_version(certificate, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
	X509_time_adj_ex(X509_getm_notBefore(certificate), 0, 0, &now);
	X509_time_adj_ex(X509_getm_notAfter(certificate), 0, seconds, &now);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate), "CN", MBSTRING_ASC,
	    (const unsigned char *)"metrics.test", -1, -1, 0);
	X509_set_issuer_name(certificate, X509_get_subject_name(certificate));
	X509_set_pubkey(certificate, key);
	ck_assert_int_gt(X509_sign(certificate, key, EVP_sha256()), 0);

	file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	PEM_write_X509(file, certificate);
	fclose(file);
	X509_free(certificate);
	EVP_PKEY_free(key);
}


START_TEST(certificate_days_counted)
{
	char path[] = "/tmp/perfimmo-test-cert-XXXXXX";
	char reason[128];
	time_t now = time(NULL);
	double days = 0;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_certificate(path, now, 10L * 86400 + 43200);

	ck_assert(certificate_days_left(path, now, &days, reason, sizeof(reason)));
	ck_assert_double_eq_tol(days, 10.5, 0.001);
	ck_assert(certificate_days_left(path, now + 11 * 86400, &days, reason, sizeof(reason)));
	ck_assert_double_eq_tol(days, -0.5, 0.001);
	unlink(path);
}
END_TEST

START_TEST(certificate_missing_or_not_pem)
{
	char path[] = "/tmp/perfimmo-test-cert-XXXXXX";
	char reason[128];
	double days;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a certificate\n", 18), 18);
	close(fd);

	ck_assert(!certificate_days_left(path, time(NULL), &days, reason, sizeof(reason)));
	ck_assert_str_eq(reason, "no PEM certificate found");
	unlink(path);
	ck_assert(!certificate_days_left(path, time(NULL), &days, reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "could not open"));
}
END_TEST


static Suite *
metrics_suite(void)
{
	Suite *suite = suite_create("metrics");
	TCase *counters = tcase_create("counters");
	TCase *text = tcase_create("exposition");
	TCase *certificates = tcase_create("certificate");

	tcase_add_checked_fixture(counters, setup, teardown);
	tcase_add_test(counters, sum_adds_every_slot);
	tcase_add_test(counters, bucket_takes_its_upper_bound);
	tcase_add_test(counters, unknown_status_counts_as_other);
	tcase_add_test(counters, out_of_range_key_ignored);
	tcase_add_test(counters, slot_index_wraps);
	tcase_add_test(counters, child_counts_reach_parent);
	tcase_add_test(counters, counting_without_init_does_nothing);
	suite_add_tcase(suite, counters);

	tcase_add_test(text, label_values_escaped);
	tcase_add_test(text, family_lines_and_values);
	tcase_add_test(text, label_too_long_left_out);
	suite_add_tcase(suite, text);

	tcase_add_test(certificates, certificate_days_counted);
	tcase_add_test(certificates, certificate_missing_or_not_pem);
	suite_add_tcase(suite, certificates);
	return suite;
}


int
main(void)
{
	return run_suite(metrics_suite());
}

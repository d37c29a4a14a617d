/*
 * What --compare writes: a table on standard output, the JSON report
 * (keys in docs/metrics.md, stable: scripts read them), and the run that
 * strings reading, pairing and writing together.  The HTML pages are in
 * compare-html.c.  Every text from a capture (a Call-ID) was made safe
 * when it was read (text_copy_safe); the JSON writer escapes it again.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "probe/compare/compare.h"
#include "probe/output/jsonw.h"
#include "probe/vqprobe.h"

/* Columns of the table's Call-ID: enough to tell calls apart. */
#define COMPARE_TABLE_CALL_ID	16

static const char *const evidence_names[] = {
	"ssrc", "payload_type", "sequence", "timestamp", "time", "nat_mapping",
	"call_id", NULL
};

const char *
compare_evidence_name(unsigned bit)
{
	size_t i;

	for (i = 0; evidence_names[i] != NULL; i++)
		if (bit == 1u << i)
			return evidence_names[i];
	return NULL;
}

const char *
compare_pair_call(const struct compare_point *pts,
    const struct compare_pair *p)
{
	const char *a = pts[0].streams[p->stream[0]].call_id;

	return a[0] != '\0' ? a : pts[1].streams[p->stream[1]].call_id;
}

static const char *
unpaired_reason(int reason)
{
	switch (reason) {
	case COMPARE_AMBIGUOUS:
		return "ambiguous";
	case COMPARE_REJECTED:
		return "rejected";
	default:
		return "no_candidate";
	}
}

static void
table_figure(FILE *f, int have, int64_t v, int width)
{
	if (have)
		fprintf(f, " %*lld", width, (long long)v);
	else
		fprintf(f, " %*s", width, "-");
}

void
compare_write_table(FILE *f, const struct compare_point *pts,
    const struct compare_result *res)
{
	char src[ADDR_ENDPOINT_STRLEN], dst[ADDR_ENDPOINT_STRLEN];
	const struct compare_stream *s;
	const struct compare_pair *p;
	const char *call_id;
	size_t i;

	fprintf(f, "%-*s %-10s %-45s %-9s %7s %7s %7s %5s %5s %8s\n",
	    COMPARE_TABLE_CALL_ID, "CALL-ID", "SSRC", "DIRECTION (upstream)",
	    "SEGMENT", "BEFORE", "BETWEEN", "AFTER", "DUP", "REORD", "DVAR_MS");
	for (i = 0; i < res->n_pairs; i++) {
		p = &res->pairs[i];
		s = &pts[p->upstream].streams[p->stream[p->upstream]];
		call_id = compare_pair_call(pts, p);
		addr_format_endpoint(&s->src, src, sizeof(src));
		addr_format_endpoint(&s->dst, dst, sizeof(dst));
		fprintf(f, "%-*.*s 0x%08x %21s>%-23s %4.4s>%-4.4s",
		    COMPARE_TABLE_CALL_ID, COMPARE_TABLE_CALL_ID,
		    call_id[0] != '\0' ? call_id : "-", s->ssrc, src, dst,
		    pts[p->upstream].name, pts[1 - p->upstream].name);
		table_figure(f, 1, p->fig.lost_before, 7);
		table_figure(f, 1, p->fig.lost_between, 7);
		table_figure(f, p->fig.has_lost_after, p->fig.lost_after, 7);
		table_figure(f, 1, p->fig.duplicated_between, 5);
		table_figure(f, 1, p->fig.reordered_between, 5);
		if (p->fig.has_delay_variation)
			fprintf(f, " %8.2f\n", p->fig.delay_variation_ms);
		else
			fprintf(f, " %8s\n", "-");
	}
	if (res->clock.trusted)
		fprintf(f, "clock: %s's clock minus %s's is %.3f ms (%s)\n",
		    pts[1].name, pts[0].name, res->clock.offset_us / 1000.0,
		    res->clock.method);
	else if (res->clock.method != NULL)
		fprintf(f, "clock: %s\n", res->clock.method);
	if (res->lost_after_clamped > 0)
		fprintf(f, "lost after: %zu receiver report(s) counted less "
		    "than the downstream point saw missing; taken as 0\n",
		    res->lost_after_clamped);
	for (i = 0; i < res->n_unpaired; i++) {
		const struct compare_unpaired *u = &res->unpaired[i];

		s = &pts[u->point].streams[u->stream];
		addr_format_endpoint(&s->src, src, sizeof(src));
		addr_format_endpoint(&s->dst, dst, sizeof(dst));
		if (i == 0)
			fprintf(f, "unpaired:\n");
		fprintf(f, "  %s: 0x%08x %s > %s pt %u, %zu packets, %s",
		    pts[u->point].name, s->ssrc, src, dst, s->payload_type,
		    s->n_pkts, unpaired_reason(u->reason));
		if (u->reason == COMPARE_AMBIGUOUS)
			fprintf(f, " (%zu candidates)", u->candidates);
		else if (u->reason == COMPARE_REJECTED)
			fprintf(f, " (%zu candidate%s ruled out)",
			    u->candidates, u->candidates == 1 ? "" : "s");
		fprintf(f, "%s%s\n", s->call_id[0] != '\0' ? ", call " : "",
		    s->call_id);
	}
}

static void
json_endpoint(struct jsonw *w, const char *key, const struct vq_endpoint *ep)
{
	char buf[ADDR_ENDPOINT_STRLEN];

	addr_format_endpoint(ep, buf, sizeof(buf));
	jsonw_string(w, key, buf);
}

static void
json_ssrc(struct jsonw *w, uint32_t ssrc)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%08x", ssrc);
	jsonw_string(w, "ssrc", buf);
}

static void
json_call_id(struct jsonw *w, const char *call_id)
{
	jsonw_string(w, "call_id", call_id[0] != '\0' ? call_id : NULL);
}

static void
json_points(struct jsonw *w, const struct compare_point *pts)
{
	int p;

	jsonw_array_begin(w, "points");
	for (p = 0; p < COMPARE_POINTS; p++) {
		jsonw_object_begin(w, NULL);
		jsonw_string(w, "name", pts[p].name);
		jsonw_string(w, "file", pts[p].file);
		jsonw_int(w, "packets", (int64_t)pts[p].packets);
		jsonw_int(w, "rtp_packets", (int64_t)pts[p].rtp_packets);
		jsonw_int(w, "streams", (int64_t)pts[p].n_streams);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
}

static void
json_pair(struct jsonw *w, const struct compare_point *pts,
    const struct compare_pair *p)
{
	const struct compare_stream *a = &pts[0].streams[p->stream[0]];
	const struct compare_stream *s;
	const struct compare_figures *f = &p->fig;
	unsigned bit;
	int i;

	jsonw_object_begin(w, NULL);
	json_call_id(w, compare_pair_call(pts, p));
	json_ssrc(w, a->ssrc);
	jsonw_int(w, "payload_type", a->payload_type);
	jsonw_string(w, "upstream", pts[p->upstream].name);
	jsonw_string(w, "upstream_by", p->upstream_by_loss ? "loss" : "time");
	jsonw_array_begin(w, "matched_by");
	for (bit = 1; bit <= COMPARE_BY_ALL; bit <<= 1)
		if (p->evidence & bit)
			jsonw_string(w, NULL, compare_evidence_name(bit));
	jsonw_array_end(w);
	jsonw_object_begin(w, "at");
	for (i = 0; i < COMPARE_POINTS; i++) {
		s = &pts[i].streams[p->stream[i]];
		jsonw_object_begin(w, pts[i].name);
		json_endpoint(w, "src", &s->src);
		json_endpoint(w, "dst", &s->dst);
		jsonw_int(w, "packets", (int64_t)s->n_pkts);
		/*
		 * The lowest as sent, and the highest extended from it (a
		 * stream that wraps ends past 65535).
		 */
		jsonw_int(w, "first_seq", s->seqs[0].ext_seq & 0xffff);
		jsonw_int(w, "last_seq", (int64_t)s->seqs[s->n_seqs - 1].ext_seq -
		    (s->seqs[0].ext_seq & ~(int32_t)0xffff));
		jsonw_object_end(w);
	}
	jsonw_object_end(w);
	jsonw_bool(w, "nat", p->nat);
	jsonw_int(w, "lost_before", f->lost_before);
	jsonw_int(w, "lost_between", f->lost_between);
	if (f->has_lost_after)
		jsonw_int(w, "lost_after", f->lost_after);
	else
		jsonw_null(w, "lost_after");
	jsonw_string(w, "lost_after_source", f->has_lost_after ? "rtcp" : NULL);
	jsonw_int(w, "longest_run_between", f->longest_run_between);
	jsonw_int(w, "duplicated_between", f->duplicated_between);
	jsonw_int(w, "reordered_between", f->reordered_between);
	jsonw_fixed(w, "delay_variation_ms", f->has_delay_variation ?
	    f->delay_variation_ms : NAN, 3);
	jsonw_fixed(w, "jitter_added_ms", f->has_jitter_added ?
	    f->jitter_added_ms : NAN, 3);
	if (f->has_one_way_delay) {
		jsonw_object_begin(w, "one_way_delay_ms");
		jsonw_fixed(w, "min", f->one_way_delay_min_ms, 3);
		jsonw_fixed(w, "median", f->one_way_delay_median_ms, 3);
		jsonw_fixed(w, "p95", f->one_way_delay_p95_ms, 3);
		jsonw_object_end(w);
	} else
		jsonw_null(w, "one_way_delay_ms");
	jsonw_object_end(w);
}

static void
json_unpaired(struct jsonw *w, const struct compare_point *pts,
    const struct compare_unpaired *u)
{
	const struct compare_stream *s = &pts[u->point].streams[u->stream];

	jsonw_object_begin(w, NULL);
	jsonw_string(w, "point", pts[u->point].name);
	json_endpoint(w, "src", &s->src);
	json_endpoint(w, "dst", &s->dst);
	json_ssrc(w, s->ssrc);
	jsonw_int(w, "payload_type", s->payload_type);
	jsonw_int(w, "packets", (int64_t)s->n_pkts);
	json_call_id(w, s->call_id);
	jsonw_string(w, "reason", unpaired_reason(u->reason));
	jsonw_int(w, "candidates", (int64_t)u->candidates);
	jsonw_object_end(w);
}

/* The whole report, as json-c would print it, into w. */
static void
json_report(struct jsonw *w, const struct compare_point *pts,
    const struct compare_result *res)
{
	size_t i;

	jsonw_clear(w, 0);
	jsonw_object_begin(w, NULL);
	jsonw_string(w, "version", PACKAGE_VERSION);
	json_points(w, pts);
	jsonw_object_begin(w, "clock");
	jsonw_fixed(w, "offset_ms", res->clock.trusted ?
	    res->clock.offset_us / 1000.0 : NAN, 3);
	jsonw_bool(w, "trusted", res->clock.trusted);
	jsonw_string(w, "method", res->clock.method);
	jsonw_object_end(w);
	jsonw_array_begin(w, "pairs");
	for (i = 0; i < res->n_pairs; i++)
		json_pair(w, pts, &res->pairs[i]);
	jsonw_array_end(w);
	jsonw_array_begin(w, "unpaired");
	for (i = 0; i < res->n_unpaired; i++)
		json_unpaired(w, pts, &res->unpaired[i]);
	jsonw_array_end(w);
	jsonw_object_end(w);
}

/* Write text to f, then a newline; 0 or -1. */
static int
write_text(FILE *f, const char *text, size_t len)
{
	return fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF ? -1 :
	    0;
}

int
compare_write_json(const char *path, const struct compare_point *pts,
    const struct compare_result *res, char **cause)
{
	struct jsonw *w = jsonw_new();
	struct stat st;
	const char *text;
	char *tmp = NULL;
	size_t len;
	FILE *f;
	int rc = -1;

	json_report(w, pts, res);
	text = jsonw_text(w, &len);
	if (strcmp(path, "-") == 0) {
		if (write_text(stdout, text, len) != 0 || fflush(stdout) == EOF)
			*cause = xasprintf("cannot write standard output: %s",
			    strerror(errno));
		else
			rc = 0;
		goto out;
	}
	/* A device or a pipe is written in place; a file replaced whole. */
	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		tmp = xasprintf("%s.tmp", path);
	if ((f = fopen(tmp != NULL ? tmp : path, "w")) == NULL) {
		*cause = xasprintf("cannot create %s: %s", tmp != NULL ? tmp :
		    path, strerror(errno));
		goto out;
	}
	if (write_text(f, text, len) != 0 || fclose(f) == EOF) {
		*cause = xasprintf("cannot write %s: %s", path, strerror(errno));
		if (tmp != NULL)
			unlink(tmp);
		goto out;
	}
	if (tmp != NULL && rename(tmp, path) == -1) {
		*cause = xasprintf("cannot rename into %s: %s", path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	jsonw_free(w);
	return rc;
}

int
compare_run(const struct compare_config *cfg, char **cause)
{
	static const char *const default_names[COMPARE_POINTS] = { "a", "b" };
	struct compare_point pts[COMPARE_POINTS];
	struct compare_result res;
	int p, status = 0;

	for (p = 0; p < COMPARE_POINTS; p++)
		compare_point_init(&pts[p], cfg->name[p] != NULL ?
		    cfg->name[p] : default_names[p], cfg->file[p]);
	for (p = 0; p < COMPARE_POINTS; p++)
		if (compare_point_read(&pts[p], cause) != 0) {
			compare_point_free(&pts[0]);
			compare_point_free(&pts[1]);
			return VQ_EXIT_USAGE;
		}
	compare_pair_points(pts, &res);
	if (cfg->table)
		compare_write_table(stdout, pts, &res);
	if (cfg->json_path != NULL &&
	    compare_write_json(cfg->json_path, pts, &res, cause) != 0)
		status = 1;
	if (status == 0 && cfg->report_dir != NULL &&
	    compare_write_report(cfg->report_dir, pts, &res, cause) != 0)
		status = 1;
	compare_result_free(&res);
	for (p = 0; p < COMPARE_POINTS; p++)
		compare_point_free(&pts[p]);
	return status;
}

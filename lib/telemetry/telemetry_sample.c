/* telemetry_sample.c - sample lines and their short form (see
 * telemetry_sample.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/units.h"
#include "util/jsonfile.h"
#include "telemetry/telemetry_sample.h"

#define MIB (1024.0 * 1024.0)
#define TAIL_BYTES 65536

json_object *exl_json_fixed(double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static json_object *mib(unsigned long long bytes)
{
	return json_object_new_int64((int64_t)(bytes / (1024ULL * 1024ULL)));
}

/* mib_up: bytes in MiB rounded up, so a small resident program (a shell,
 * 600 KiB) reads 1 MiB and 0 means nothing was resident. */
static json_object *mib_up(unsigned long long bytes)
{
	return json_object_new_int64((int64_t)((bytes + (1024ULL * 1024ULL) -
						 1) / (1024ULL * 1024ULL)));
}

/* Add key: value when have, else key: null. */
static void put(json_object *o, const char *key, int have, json_object *v)
{
	if (!have) {
		json_object_put(v);
		v = NULL;
	}
	json_object_object_add(o, key, v);
}

static json_object *gpu_json(const struct exl_gpu_info *in,
			     const struct exl_gpu_reading *r)
{
	json_object *g = json_object_new_object();
	unsigned int h = r->have;

	if (!g)
		return NULL;
	exl_json_set_int(g, "index", in->index);
	exl_json_set_str(g, "uuid", in->uuid);
	put(g, "util", h & EXL_GPU_UTIL, json_object_new_int(r->util));
	put(g, "mem_util", h & EXL_GPU_UTIL, json_object_new_int(r->mem_util));
	put(g, "mem_used_mib", h & EXL_GPU_MEM, mib(r->mem_used));
	put(g, "mem_total_mib", h & EXL_GPU_MEM, mib(r->mem_total));
	put(g, "power_w", h & EXL_GPU_POWER,
	    exl_json_fixed(r->power_mw / 1000.0, 3));
	put(g, "temp_c", h & EXL_GPU_TEMP, json_object_new_int(r->temp_c));
	put(g, "sm_mhz", h & EXL_GPU_SM, json_object_new_int(r->sm_mhz));
	put(g, "ecc_corr", h & EXL_GPU_ECC,
	    json_object_new_int64((int64_t)r->ecc_corrected));
	put(g, "ecc_uncorr", h & EXL_GPU_ECC,
	    json_object_new_int64((int64_t)r->ecc_uncorrected));
	put(g, "xid", h & EXL_GPU_XID,
	    json_object_new_int64((int64_t)r->xid_count));
	put(g, "xid_last", (h & EXL_GPU_XID) && r->xid_last,
	    json_object_new_int64((int64_t)r->xid_last));
	if (r->error[0])
		exl_json_set_str(g, "error", r->error);
	return g;
}

void exl_sample_src_json(json_object *o, const struct exl_sample_src *src)
{
	exl_json_set_str(o, "node", src->node);
	exl_json_set_str(o, "job", src->job);
	exl_json_set_str(o, "step", src->step);
	json_object_object_add(o, "interval_s",
			       exl_json_fixed(src->interval_s, 3));
}

json_object *exl_sample_to_json(const struct exl_sample *s,
				const struct exl_sample_src *src)
{
	json_object *o = json_object_new_object(), *gpus;
	const struct exl_proc_usage *p = &s->proc;
	const struct exl_node_usage *n = &s->node;
	unsigned int i;

	if (!o)
		return NULL;
	exl_json_set_str(o, "type", "sample");
	exl_json_set_int(o, "v", EXL_SAMPLE_VERSION);
	json_object_object_add(o, "t", exl_json_fixed(s->t, 3));
	exl_sample_src_json(o, src);
	exl_json_set_int(o, "seq", (long long)s->seq);
	put(o, "nprocs", s->have_proc, json_object_new_int64((int64_t)p->nprocs));
	put(o, "cpu_s", s->have_proc, exl_json_fixed(p->cpu_s, 2));
	put(o, "cpu_pct", s->have_proc && p->cpu_pct_valid,
	    exl_json_fixed(p->cpu_pct, 1));
	put(o, "rss_mib", s->have_proc, mib_up(p->rss_bytes));
	put(o, "load1", s->have_node, exl_json_fixed(n->load1, 2));
	put(o, "load5", s->have_node, exl_json_fixed(n->load5, 2));
	put(o, "load15", s->have_node, exl_json_fixed(n->load15, 2));
	put(o, "mem_total_mib", s->have_node, mib(n->mem_total));
	put(o, "mem_avail_mib", s->have_node, mib(n->mem_avail));
	put(o, "fs_free_mib", s->have_fs, mib(s->fs_free));
	put(o, "fs_total_mib", s->have_fs, mib(s->fs_total));
	if (!s->gpu_on)
		return o;
	gpus = json_object_new_array();
	if (!gpus) {
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < s->ngpus; i++)
		json_object_array_add(gpus, gpu_json(s->gpu_info[i], &s->gpu[i]));
	json_object_object_add(o, "gpus", gpus);
	return o;
}

int exl_json_num(json_object *o, const char *key, double *out)
{
	json_object *v;
	double d;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) ||
	      json_object_is_type(v, json_type_double)))
		return 0;
	d = json_object_get_double(v);
	if (!isfinite(d) || d > 1e15 || d < -1e15)
		return 0;
	*out = d;
	return 1;
}

int exl_sample_brief(json_object *obj, struct exl_sample_brief *b)
{
	const char *type = exl_json_str(obj, "type");
	json_object *gpus;
	double v, sum = 0;
	size_t i, n;

	memset(b, 0, sizeof(*b));
	b->rss_mib = -1;
	b->gpu_util_max = -1;
	b->gpu_mem_max_mib = -1;
	if (!type || strcmp(type, "sample") || !exl_json_num(obj, "t", &b->t))
		return -1;
	b->cpu_pct_valid = exl_json_num(obj, "cpu_pct", &b->cpu_pct);
	if (exl_json_num(obj, "rss_mib", &v))
		b->rss_mib = (long long)v;
	if (!(gpus = exl_json_array(obj, "gpus")))
		return 0;
	b->gpu_on = 1;
	n = json_object_array_length(gpus);
	b->ngpus = (int)n;
	for (i = 0; i < n; i++) {
		json_object *g = json_object_array_get_idx(gpus, i);

		if (exl_json_num(g, "mem_used_mib", &v) && (long long)v > b->gpu_mem_max_mib) {
			b->gpu_mem_max_mib = (long long)v;
			b->gpu_mem_total_mib = exl_json_num(g, "mem_total_mib", &v) ?
					       (long long)v : 0;
		}
		if (!exl_json_num(g, "util", &v))
			continue;
		b->ngpus_ok++;
		sum += v;
		if ((long long)v > b->gpu_util_max)
			b->gpu_util_max = (long long)v;
	}
	if (b->ngpus_ok)
		b->gpu_util_mean = sum / b->ngpus_ok;
	return 0;
}

/* Append printf text at *off, never past len. */
static void add(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

void exl_sample_brief_text(const struct exl_sample_brief *b, char *buf,
			   size_t len)
{
	char s1[32], s2[32];
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (!b->gpu_on)
		add(buf, len, &off, "GPU n/a");
	else if (b->ngpus == 0)
		add(buf, len, &off, "no GPU allocated");
	else if (b->ngpus_ok == 0)
		add(buf, len, &off, "GPU util n/a (%d GPU%s not answering)",
		    b->ngpus, b->ngpus == 1 ? "" : "s");
	else
		add(buf, len, &off, "GPU util %.0f%% (%d GPU%s, max %lld%%)",
		    b->gpu_util_mean, b->ngpus_ok, b->ngpus_ok > 1 ? "s" : "",
		    b->gpu_util_max);
	if (b->gpu_mem_max_mib >= 0) {
		exl_human_bytes((uint64_t)b->gpu_mem_max_mib << 20, s1, sizeof(s1));
		exl_human_bytes((uint64_t)b->gpu_mem_total_mib << 20, s2,
				sizeof(s2));
		add(buf, len, &off, ", GPU mem %s of %s", s1, s2);
	}
	if (b->cpu_pct_valid)
		add(buf, len, &off, ", CPU %.0f%%", b->cpu_pct);
	if (b->rss_mib >= 0) {
		exl_human_bytes((uint64_t)b->rss_mib << 20, s1, sizeof(s1));
		add(buf, len, &off, ", RSS %s", s1);
	}
}

/* Read the last TAIL_BYTES of path (a regular file, never a symlink). */
static char *read_tail(const char *path, size_t *lenp, int *partial,
		       struct exl_err *err)
{
	struct stat st;
	off_t from;
	ssize_t got;
	char *buf;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return exl_errnof(err, errno, "couldn't open %s", path), NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		exl_errf(err, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	from = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
	*partial = from > 0;
	buf = malloc(TAIL_BYTES + 1);
	if (!buf) {
		close(fd);
		return exl_errf(err, "%s: out of memory", path), NULL;
	}
	got = lseek(fd, from, SEEK_SET) < 0 ? -1 :
	      exl_read_upto(fd, buf, TAIL_BYTES);
	close(fd);
	if (got < 0) {
		free(buf);
		return exl_errnof(err, errno, "couldn't read %s", path), NULL;
	}
	buf[got] = '\0';
	*lenp = (size_t)got;
	return buf;
}

int exl_telemetry_latest(const char *path, struct exl_sample_brief *b,
			 struct exl_err *err)
{
	size_t len, end;
	int partial, rc = 1;
	char *buf = read_tail(path, &len, &partial, err);

	if (!buf)
		return -1;
	/* Walk lines backwards; the first line of a cut tail is partial. */
	for (end = len; end > 0 && rc == 1;) {
		size_t start = end;
		json_object *o;

		while (start > 0 && buf[start - 1] != '\n')
			start--;
		if (start == 0 && partial)
			break;
		if (end > start) {
			o = exl_json_parse(buf + start, end - start, path, NULL);
			if (o && exl_sample_brief(o, b) == 0)
				rc = 0;
			json_object_put(o);
		}
		end = start ? start - 1 : 0;
	}
	free(buf);
	if (rc == 1)
		memset(b, 0, sizeof(*b));
	return rc;
}

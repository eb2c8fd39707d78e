/* Unit tests: NVML through dlopen, against the scripted fake NVML:
 * missing library, failing init, selection, readings, unsupported
 * fields, a GPU vanishing, XID events, the root-owned library rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "tap.h"
#include "telemetry/telemetry_nvml.h"
#include "telemetry_test.h"

static char dir[] = "/tmp/exl-nvml-XXXXXX";

static void open_errors(void)
{
	struct exl_nvml *nv = (struct exl_nvml *)1;
	struct exl_err err = { "" };

	ok(exl_nvml_open("/nonexistent/libnvidia-ml.so.1", 0, &nv, &err) < 0 &&
	   nv == NULL, "missing library fails");
	ok(!strncmp(err.text, "no NVML: GPU telemetry off (", 28) &&
	   strstr(err.text, "/nonexistent/libnvidia-ml.so.1"),
	   "one clear line: %s", err.text);
	ok(exl_nvml_open("libm.so.6", 0, &nv, &err) < 0 &&
	   strstr(err.text, "lacks nvmlInit_v2"),
	   "a library without NVML's entry points: %s", err.text);

	fake_script(dir, "init_fail 9\n");
	ok(exl_nvml_open(fake_nvml(), 0, &nv, &err) < 0 &&
	   !strcmp(err.text, "NVML init failed: GPU telemetry off (Driver Not "
		   "Loaded)"), "init failure with NVML's reason: %s", err.text);
	unsetenv("FAKE_NVML_SCRIPT");
	ok(exl_nvml_open(fake_nvml(), 0, &nv, &err) < 0 &&
	   strstr(err.text, "NVML init failed"), "fake without a script "
	   "fails: %s", err.text);
	fake_script(dir, "gpus 1\nbogus 0 1\n");
	ok(exl_nvml_open(fake_nvml(), 0, &nv, &err) < 0,
	   "fake with a bad script fails");
}

/* With trusted_only, a library a user could have replaced is refused. */
static void trusted(void)
{
	struct exl_nvml *nv = NULL;
	struct exl_err err = { "" };
	char sub[600], lib[700];

	fake_script(dir, "gpus 1\n");
	snprintf(sub, sizeof(sub), "%s/lib", dir);
	snprintf(lib, sizeof(lib), "%s/libnvidia-ml.so.1", sub);
	mkdir(sub, 0755);
	ok(exl_copy_file(fake_nvml(), lib, 16 << 20, &err) == 0,
	   "copy the fake");
	chmod(lib, 0755);
	if (geteuid() == 0) {
		ok(exl_nvml_open(lib, 1, &nv, &err) == 0,
		   "root-owned library in a root-owned dir loads");
		exl_nvml_close(nv);
		chmod(sub, 0777);
		ok(exl_nvml_open(lib, 1, &nv, &err) < 0 &&
		   strstr(err.text, "directory"), "world-writable dir "
		   "refused: %s", err.text);
		chmod(sub, 0755);
		chmod(lib, 0775);
		ok(exl_nvml_open(lib, 1, &nv, &err) < 0 &&
		   strstr(err.text, "root-owned"), "group-writable library "
		   "refused: %s", err.text);
	} else {
		ok(exl_nvml_open(lib, 1, &nv, &err) < 0 &&
		   strstr(err.text, "root-owned"), "user-owned library refused "
		   "when trusted_only: %s", err.text);
	}
	ok(exl_nvml_open(lib, 0, &nv, &err) == 0, "without trusted_only it "
	   "loads");
	exl_nvml_close(nv);
}

static void selection(void)
{
	struct exl_nvml *nv = NULL;
	struct exl_err err = { "" };

	fake_script(dir, "gpus 4\n"
		    "uuid 2 GPU-abcd0000-0000-0000-0000-000000000002\n"
		    "bus 3 00000000:B1:00.0\n");
	ok(exl_nvml_open(fake_nvml(), 0, &nv, &err) == 0, "open 4 GPUs");
	if (!nv)
		return;
	is_int(exl_nvml_count(nv), 4, "count");
	is_int(exl_nvml_nselected(nv), 4, "all selected by default");
	is_str(exl_nvml_info(nv, 3)->busid, "0000:b1:00.0", "bus id normalized");
	is_int(exl_nvml_info(nv, 0)->mem_total, 80ULL << 30, "memory size");
	ok(exl_nvml_select(nv, "2,0", &err) == 0 &&
	   exl_nvml_nselected(nv) == 2 && exl_nvml_selected(nv, 0)->index == 2
	   && exl_nvml_selected(nv, 1)->index == 0, "indices, in order");
	ok(exl_nvml_select(nv, "GPU-abcd", &err) == 0 &&
	   exl_nvml_nselected(nv) == 1 && exl_nvml_selected(nv, 0)->index == 2,
	   "UUID prefix");
	ok(exl_nvml_select(nv, "GPU-fa4e", &err) < 0 &&
	   strstr(err.text, "several"), "ambiguous prefix: %s", err.text);
	ok(exl_nvml_select(nv, "0000:b1:00.0,b1:00.0,3", &err) == 0 &&
	   exl_nvml_nselected(nv) == 1, "bus ids, duplicates folded");
	ok(exl_nvml_select(nv, "4", &err) < 0 && strstr(err.text, "index 4"),
	   "index out of range: %s", err.text);
	ok(exl_nvml_select(nv, "GPU-ffff", &err) < 0, "unknown UUID");
	ok(exl_nvml_select(nv, "0000:99:00.0", &err) < 0, "unknown bus id");
	ok(exl_nvml_select(nv, "first", &err) < 0 &&
	   strstr(err.text, "invalid device 'first'"), "garbage: %s",
	   err.text);
	ok(exl_nvml_select(nv, "none", &err) == 0 &&
	   exl_nvml_nselected(nv) == 0, "none");
	ok(exl_nvml_select(nv, "", &err) == 0 && exl_nvml_nselected(nv) == 0,
	   "empty (CUDA_VISIBLE_DEVICES=\"\") selects none");
	ok(exl_nvml_select(nv, NULL, &err) == 0 &&
	   exl_nvml_nselected(nv) == 4, "NULL selects all");
	exl_nvml_close(nv);
}

static void readings(void)
{
	struct exl_gpu_reading r;
	struct exl_nvml *nv = NULL;
	struct exl_err err = { "" };
	int k;

	fake_script(dir, "gpus 2\n"
		    "util 0 10,20,30\nmem_util 0 5\n"
		    "mem_used 0 1073741824,2147483648\n"
		    "power 0 250500\ntemp 0 61\nsm 0 1980\n"
		    "ecc_corr 0 3\necc_uncorr 0 0,0,1\n"
		    "xid 0 1 79\n"
		    "util 1 99\nno 1 power\nno 1 ecc\nno 1 events\n"
		    "vanish 1 2\n");
	ok(exl_nvml_open(fake_nvml(), 0, &nv, &err) == 0 &&
	   exl_nvml_select(nv, NULL, &err) == 0, "open");
	if (!nv)
		return;
	for (k = 0; k < 3; k++) {
		exl_nvml_poll_events(nv);
		exl_nvml_read(nv, 0, &r);
		ok(r.have == (EXL_GPU_UTIL | EXL_GPU_MEM | EXL_GPU_POWER |
			      EXL_GPU_TEMP | EXL_GPU_SM | EXL_GPU_ECC |
			      EXL_GPU_XID) && !r.error[0],
		   "sample %d: every field of GPU 0", k);
		is_int(r.util, 10 * (k + 1), "sample %d: util", k);
		is_int(r.xid_count, k == 2 ? 1 : 0, "sample %d: XID count", k);
		exl_nvml_read(nv, 1, &r);
		if (k < 2)
			ok(r.have == (EXL_GPU_UTIL | EXL_GPU_MEM | EXL_GPU_TEMP |
				      EXL_GPU_SM) && r.util == 99,
			   "sample %d: GPU 1 without power, ECC, events", k);
		else
			ok(r.have == 0 && !strcmp(r.error, "GPU is lost"),
			   "sample 2: GPU 1 vanished: %s", r.error);
	}
	exl_nvml_read(nv, 0, &r);
	ok(r.mem_used == 2147483648ULL && r.mem_total == 80ULL << 30 &&
	   r.power_mw == 250500 && r.temp_c == 61 && r.sm_mhz == 1980 &&
	   r.ecc_corrected == 3 && r.ecc_uncorrected == 1 && r.mem_util == 5,
	   "last values repeat");
	ok(r.xid_count == 1 && r.xid_last == 79, "XID 79 recorded");
	exl_nvml_read(nv, 7, &r);
	ok(r.have == 0, "out-of-range GPU reads nothing");
	exl_nvml_close(nv);
	exl_nvml_close(NULL);
}

static void busids(void)
{
	static const struct { const char *in, *out; } c[] = {
		{ "00000000:17:00.0", "0000:17:00.0" },
		{ "0000:3D:00.0", "0000:3d:00.0" },
		{ "17:00.0", "0000:17:00.0" },
		{ "00000001:02:1f.7", "0001:02:1f.7" },
		{ "17:00", NULL }, { "zz:00.0", NULL }, { "", NULL },
		{ "0000:17:00.0x", NULL }, { "0000:100:00.0", NULL },
		{ "0:17:20.0", NULL }, { "GPU-0", NULL },
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int rc = exl_busid_norm(c[i].in, out, sizeof(out));

		if (c[i].out)
			ok(rc == 0 && !strcmp(out, c[i].out), "bus id '%s'",
			   c[i].in);
		else
			ok(rc < 0, "bus id '%s' refused", c[i].in);
	}
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	open_errors();
	trusted();
	selection();
	readings();
	busids();
	rm_tree(dir);
	return done_testing();
}

/* Unit tests: node hardware from hwloc XML fixtures, merged with a fake
 * NVML, as JSON and as the run log's "hardware" text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/jsonfile.h"
#include "tap.h"
#include "telemetry_test.h"
#include "telemetry/telemetry_topo.h"

static char dir[] = "/tmp/exl-topo-XXXXXX";

static void vm(void)
{
	struct exl_topo t;
	struct exl_err err = { "" };
	json_object *hw;
	char *md;

	ok(exl_topo_load(hwloc_fixture("1s-2c-vm.xml"), &t, &err) == 0,
	   "load the VM fixture");
	is_str(t.cpu_model, "AMD EPYC", "CPU model");
	ok(t.sockets == 1 && t.cores == 2 && t.threads == 2 &&
	   t.numa_nodes == 1, "1 socket, 2 cores, 2 threads, 1 NUMA");
	is_int(t.mem_bytes, 5060644864ULL, "memory");
	is_int(t.ngpus, 0, "virtio disk and NIC are not GPUs");
	hw = exl_topo_to_json(&t, "n1", NULL);
	md = exl_topo_md_value(hw);
	is_str(md, "n1: 1x AMD EPYC (1 socket, 2 cores, 2 threads, 1 NUMA), "
	       "4.7 GiB; GPUs: none", "hardware text without GPUs");
	ok(!exl_json_has(hw, "alloc"), "no alloc block when unknown");
	free(md);
	json_object_put(hw);
}

static void gpu_node(void)
{
	struct exl_topo_alloc alloc = { "0-15", 64000 };
	struct exl_topo t;
	struct exl_err err = { "" };
	json_object *hw, *gpus, *g;
	char *md;

	ok(exl_topo_load(hwloc_fixture("2s-16c-4gpu.xml"), &t, &err) == 0,
	   "load the 2-socket GPU fixture: %s", err.text);
	is_str(t.cpu_model, "Intel(R) Xeon(R) Gold 6426Y", "CPU model");
	ok(t.sockets == 2 && t.cores == 32 && t.threads == 64 &&
	   t.numa_nodes == 2, "2 sockets, 32 cores, 64 threads, 2 NUMA");
	is_int(t.mem_bytes, 2 * 270582939648ULL, "memory of both nodes");
	is_int(t.ngpus, 4, "four GPUs; the BMC's VGA is not one");
	is_str(t.gpu[0].busid, "0000:17:00.0", "first GPU bus id");
	is_str(t.gpu[3].busid, "0000:b1:00.0", "last GPU bus id");
	ok(t.gpu[0].numa == 0 && t.gpu[1].numa == 0 && t.gpu[2].numa == 1 &&
	   t.gpu[3].numa == 1, "NUMA affinity from the package");
	is_str(t.gpu[0].model, "NVIDIA H100 80GB HBM3", "model from NVML osdev");
	is_str(t.gpu[0].uuid, "GPU-5b0c1d2e-0000-4000-8000-000000000017",
	       "UUID from NVML osdev");
	is_int(t.gpu[0].mem_bytes, 80ULL << 30, "memory from CUDA osdev");
	is_str(t.gpu[3].model, "PCI 10de:2330", "no osdev: PCI ids");
	is_str(t.gpu[3].uuid, "", "no osdev: no UUID");
	ok(t.gpu[0].allocated == -1, "allocation unknown without NVML");

	hw = exl_topo_to_json(&t, "n2", &alloc);
	md = exl_topo_md_value(hw);
	is_str(md, "n2: 2x Intel(R) Xeon(R) Gold 6426Y (2 sockets, 32 cores, "
	       "64 threads, 2 NUMA), 504.0 GiB; GPUs: 3x NVIDIA H100 80GB HBM3 "
	       "80.0 GiB (GPU-5b0c1d2e-0000-4000-8000-000000000017, "
	       "0000:17:00.0, NUMA 0; GPU-5b0c1d2e-0000-4000-8000-00000000003d, "
	       "0000:3d:00.0, NUMA 0; GPU-5b0c1d2e-0000-4000-8000-000000000099, "
	       "0000:99:00.0, NUMA 1), 1x PCI 10de:2330 (0000:b1:00.0, NUMA 1); "
	       "allocated: 16 CPUs (0-15), 62.5 GiB", "hardware text");
	free(md);
	{
		struct exl_topo_alloc one = { "3", 0 };
		json_object *h1 = exl_topo_to_json(&t, "n2", &one);
		char *m1 = h1 ? exl_topo_md_value(h1) : NULL;

		ok(m1 && strstr(m1, "; allocated: 1 CPU (3)") &&
		   !strstr(m1, "1 CPUs"), "one CPU in the singular");
		free(m1);
		json_object_put(h1);
	}
	ok(json_object_object_get_ex(hw, "gpus", &gpus) &&
	   json_object_array_length(gpus) == 4, "JSON lists 4 GPUs");
	g = json_object_array_get_idx(gpus, 2);
	is_str(exl_json_str(g, "pci"), "0000:99:00.0", "JSON bus id");
	is_int(exl_json_int(g, "numa", -1), 1, "JSON NUMA");
	is_int(exl_json_int(g, "mem_mib", -1), 81920, "JSON memory");
	json_object_put(hw);
}

/* NVML knows the fourth GPU's model and UUID, a fifth GPU hwloc did not
 * see, and which GPUs the job has. */
static void merged(void)
{
	struct exl_topo t;
	struct exl_err err = { "" };
	struct exl_nvml *nv = NULL;
	json_object *hw;
	char *md;

	fake_script(dir,
		    "gpus 5\n"
		    "bus 0 00000000:17:00.0\n"
		    "bus 1 00000000:3D:00.0\n"
		    "bus 2 00000000:99:00.0\n"
		    "bus 3 00000000:b1:00.0\n"
		    "name 3 NVIDIA H100 80GB HBM3\n"
		    "uuid 3 GPU-5b0c1d2e-0000-4000-8000-0000000000b1\n"
		    "mem_total 3 85899345920\n"
		    "bus 4 00000001:02:00.0\n"
		    "name 4 NVIDIA L4\n"
		    "mem_total 4 24152899584\n"
		    "name 0 NVIDIA H100 80GB HBM3\n"
		    "name 1 NVIDIA H100 80GB HBM3\n"
		    "name 2 NVIDIA H100 80GB HBM3\n"
		    "uuid 0 GPU-5b0c1d2e-0000-4000-8000-000000000017\n"
		    "uuid 1 GPU-5b0c1d2e-0000-4000-8000-00000000003d\n"
		    "uuid 2 GPU-5b0c1d2e-0000-4000-8000-000000000099\n"
		    "mem_total 0 85899345920\n"
		    "mem_total 1 85899345920\n"
		    "mem_total 2 85899345920\n");
	ok(exl_nvml_open(fake_nvml(), 0, &nv, &err) == 0, "fake NVML opens");
	if (!nv)
		return;
	ok(exl_nvml_select(nv, "3,GPU-5b0c1d2e-0000-4000-8000-00000000003d",
			   &err) == 0, "select two GPUs");
	ok(exl_topo_load(hwloc_fixture("2s-16c-4gpu.xml"), &t, &err) == 0,
	   "load fixture");
	exl_topo_merge_nvml(&t, nv);
	exl_nvml_close(nv);
	is_int(t.ngpus, 5, "the GPU hwloc missed is added");
	is_str(t.gpu[3].model, "NVIDIA H100 80GB HBM3", "NVML names GPU 3");
	is_str(t.gpu[3].uuid, "GPU-5b0c1d2e-0000-4000-8000-0000000000b1",
	       "NVML UUID for GPU 3");
	ok(t.gpu[3].numa == 1, "hwloc still gives its NUMA node");
	ok(t.gpu[4].numa == -1 && !strcmp(t.gpu[4].busid, "0001:02:00.0"),
	   "NVML-only GPU: bus id, no NUMA");
	ok(t.gpu[0].allocated == 0 && t.gpu[1].allocated == 1 &&
	   t.gpu[2].allocated == 0 && t.gpu[3].allocated == 1 &&
	   t.gpu[4].allocated == 0, "selected GPUs marked allocated");
	hw = exl_topo_to_json(&t, "n3", NULL);
	md = exl_topo_md_value(hw);
	ok(md && strstr(md, "GPUs: 4x NVIDIA H100 80GB HBM3 80.0 GiB (") &&
	   strstr(md, "GPU-5b0c1d2e-0000-4000-8000-0000000000b1, "
		  "0000:b1:00.0, NUMA 1)") &&
	   strstr(md, ", 1x NVIDIA L4 22.5 GiB (GPU-fa4e0000-0000-0000-0000-"
		  "000000000004, 0001:02:00.0)"),
	   "merged GPU text: %s", md ? md : "(null)");
	ok(md && strstr(md, "; allocated: CPUs unknown, 2 of 5 GPUs"),
	   "allocated GPUs counted");
	free(md);
	json_object_put(hw);
}

static void errors_and_live(void)
{
	struct exl_topo t;
	struct exl_err err = { "" };
	char bad[600];
	int rc;

	ok(exl_topo_load("/nonexistent/topo.xml", &t, &err) < 0 &&
	   strstr(err.text, "hwloc:"), "missing XML refused: %s", err.text);
	snprintf(bad, sizeof(bad), "%s/bad.xml", dir);
	put_file(bad, "<topology><object type=\"Machine\"");
	ok(exl_topo_load(bad, &t, &err) < 0, "broken XML refused: %s",
	   err.text);
	memset(&t, 0, sizeof(t));
	rc = exl_topo_load(NULL, &t, &err);
	ok(rc == 0 && t.threads >= 1 && t.cores >= 1 && t.mem_bytes > 0,
	   "this machine: %d cores, %d threads", t.cores, t.threads);
}

static void cpulists(void)
{
	static const struct { const char *in; int n; } c[] = {
		{ "0", 1 }, { "0-15", 16 }, { "0-3,8,10-11", 7 },
		{ "", -1 }, { "a", -1 }, { "3-1", -1 }, { "1,", -1 },
		{ ",1", -1 }, { "1--2", -1 }, { "0-99999999", -1 },
		{ "1 2", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		is_int(exl_cpulist_count(c[i].in), c[i].n, "cpulist '%s'",
		       c[i].in);
	is_int(exl_cpulist_count(NULL), -1, "cpulist NULL");
}

/* one_gpu: "1 of 1 GPU", not "1 of 1 GPUs". */
static void one_gpu(void)
{
	json_object *hw = json_tokener_parse(
		"{\"node\": \"n1\", \"gpus\": [{\"model\": \"G\", "
		"\"allocated\": true}], \"alloc\": {\"cpus\": \"0\"}}");
	char *md = hw ? exl_topo_md_value(hw) : NULL;
	size_t n = md ? strlen(md) : 0;

	ok(n > 12 && strcmp(md + n - 12, ", 1 of 1 GPU") == 0,
	   "one GPU allocated of one: singular (%s)", md ? md : "NULL");
	free(md);
	json_object_put(hw);
}

/* pci_dev: a fake sysfs PCI device under dir/pci. */
static void pci_dev(const char *name, const char *cls, const char *ven)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/pci/%s", dir, name);
	if (mkdir(p, 0755) < 0)
		perror(p);
	snprintf(p, sizeof(p), "%s/pci/%s/class", dir, name);
	put_file(p, cls);
	snprintf(p, sizeof(p), "%s/pci/%s/vendor", dir, name);
	put_file(p, ven);
}

/* pci_gpus: the sysfs look that decides whether PCI discovery runs. */
static void pci_gpus(void)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/pci", dir);
	is_int(exl_topo_pci_has_gpu(p), -1, "no PCI directory: can't tell");
	if (mkdir(p, 0755) < 0)
		perror(p);
	is_int(exl_topo_pci_has_gpu(p), 0, "no devices: no GPU");
	pci_dev("0000:00:01.0", "0x010000\n", "0x1af4\n");
	pci_dev("0000:00:02.0", "0x030000\n", "0x1234\n");
	is_int(exl_topo_pci_has_gpu(p), 0, "a disk and a BMC's VGA: no GPU");
	pci_dev("0000:00:03.0", "0x030000\n", "0x10de\n");
	is_int(exl_topo_pci_has_gpu(p), 1, "an NVIDIA VGA controller is one");
	snprintf(p, sizeof(p), "%s/pci2", dir);
	if (mkdir(p, 0755) < 0)
		perror(p);
	snprintf(p, sizeof(p), "%s/pci2/0000:17:00.0", dir);
	if (mkdir(p, 0755) < 0)
		perror(p);
	snprintf(p, sizeof(p), "%s/pci2/0000:17:00.0/class", dir);
	put_file(p, "0x030200\n");
	snprintf(p, sizeof(p), "%s/pci2", dir);
	is_int(exl_topo_pci_has_gpu(p), -1,
	       "a device without vendor: can't tell");
	snprintf(p, sizeof(p), "%s/pci2/0000:17:00.0/vendor", dir);
	put_file(p, "0x1002\n");
	snprintf(p, sizeof(p), "%s/pci2", dir);
	is_int(exl_topo_pci_has_gpu(p), 1, "a 3D controller is one");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	vm();
	gpu_node();
	merged();
	errors_and_live();
	cpulists();
	one_gpu();
	pci_gpus();
	rm_tree(dir);
	return done_testing();
}

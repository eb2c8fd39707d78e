/* telemetry_topo.h - what a node is made of, for the run log's
 * "hardware" block and the JSON sidecar.
 *
 * The CPU and memory side comes from hwloc (never from hand parsing of
 * /proc or /sys); GPUs are hwloc's PCI display/3D devices merged with
 * NVML's view (UUID, memory, name) when NVML is available.  Tests and
 * reproductions load an hwloc XML file instead of the live machine
 * (xmlpath, or hwloc's own HWLOC_XMLFILE variable).
 *
 * Privileges: none beyond reading /sys; nothing is written.
 */
#ifndef EXL_TELEMETRY_TOPO_H
#define EXL_TELEMETRY_TOPO_H

#include <json-c/json.h>

#include "util/exl_err.h"
#include "telemetry/telemetry_nvml.h"

#define EXL_TOPO_MAX_GPUS 64

struct exl_topo_gpu {
	char model[96];
	char uuid[96];			/* "" when unknown */
	char busid[32];			/* "0000:17:00.0" */
	unsigned long long mem_bytes;	/* 0 when unknown */
	int numa;			/* NUMA node, -1 when not one node */
	int allocated;			/* to this job: 1, 0, -1 unknown */
};

struct exl_topo {
	char cpu_model[128];
	int sockets, cores, threads, numa_nodes;
	unsigned long long mem_bytes;
	int ngpus;
	struct exl_topo_gpu gpu[EXL_TOPO_MAX_GPUS];
};

/* The job's share of the node, known to the plugin from Slurm. */
struct exl_topo_alloc {
	const char *cpus;		/* CPU id list "0-15,32", NULL: unknown */
	unsigned long long mem_mb;	/* 0: unknown */
};

/* Load this machine's topology (xmlpath NULL) or an hwloc XML file.
 * PCI devices are only discovered (slow) when exl_topo_pci_has_gpu()
 * does not rule GPUs out. */
int exl_topo_load(const char *xmlpath, struct exl_topo *t,
		  struct exl_err *err);

/* Where Linux lists PCI devices. */
#define EXL_TOPO_PCI_DIR "/sys/bus/pci/devices"

/* Whether pci_dir (a sysfs devices directory: one directory per device
 * with "class" and "vendor" files) holds a device the hardware block
 * counts as a GPU: 1 yes, 0 surely none, -1 could not tell. */
int exl_topo_pci_has_gpu(const char *pci_dir);

/* Merge NVML's devices: same PCI bus id -> NVML's name, UUID and memory
 * size win; devices hwloc did not see are added.  The GPUs selected in nv
 * are marked allocated, the others not. */
void exl_topo_merge_nvml(struct exl_topo *t, const struct exl_nvml *nv);

/* The hardware object of one node:
 *   {"node":"n1","cpu":{"model":..,"sockets":2,"cores":32,"threads":64,
 *    "numa":2},"mem_mib":516096,"gpus":[{"model":..,"mem_mib":81920,
 *    "uuid":..,"pci":"0000:17:00.0","numa":0,"allocated":true}],
 *    "alloc":{"cpus":"0-15","ncpus":16,"mem_mb":64000}}
 * alloc may be NULL.  Returns NULL when out of memory. */
json_object *exl_topo_to_json(const struct exl_topo *t, const char *node,
			      const struct exl_topo_alloc *alloc);

/* One markdown value for the "hardware" bullet, from such an object:
 *   "n1: 2x Intel Xeon ... (2 sockets, 32 cores, 64 threads, 2 NUMA),
 *    504.0 GiB; GPUs: 4x NVIDIA H100 80GB HBM3 80.0 GiB (GPU-..,
 *    0000:17:00.0, NUMA 0; ...); allocated: 16 CPUs (0-15), 62.5 GiB,
 *    2 of 4 GPUs"
 * Built from the JSON so a run's sidecar can be re-rendered.  Newly
 * allocated; NULL when out of memory. */
char *exl_topo_md_value(json_object *hw);

/* Number of CPUs in a list such as "0-3,8,10-11"; -1 when malformed. */
int exl_cpulist_count(const char *list);

#endif

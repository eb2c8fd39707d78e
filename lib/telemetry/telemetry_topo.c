/* telemetry_topo.c - node hardware through hwloc (see telemetry_topo.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/units.h"
#include "util/jsonfile.h"
#include "util/strbuf.h"
#include "telemetry/telemetry_topo.h"

#define MIB (1024ULL * 1024ULL)

/* Copy hardware text, keeping printable ASCII only (it ends up in
 * markdown and JSON; firmware strings are not to be trusted). */
static void copy_clean(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < len; src++) {
		unsigned char c = (unsigned char)*src;

		dst[i++] = (c >= 0x20 && c < 0x7f && c != '`') ? (char)c : '?';
	}
	while (i > 0 && dst[i - 1] == ' ')
		i--;
	dst[i] = '\0';
}

/* A PCI device that is a GPU: a 3D or "other display" controller, or a
 * VGA controller from a GPU vendor (not a BMC's on-board VGA). */
static int is_gpu_class(unsigned int cls, unsigned int ven)
{
	if (cls == 0x0302 || cls == 0x0380)
		return 1;
	return cls == 0x0300 && (ven == 0x10de || ven == 0x1002 || ven == 0x8086);
}

static int is_gpu(hwloc_obj_t o)
{
	return is_gpu_class(o->attr->pcidev.class_id,
			    o->attr->pcidev.vendor_id);
}

/* read_hex_at: a sysfs attribute such as "0x030000\n" under dfd/name.
 * Returns 0 and *v, or -1. */
static int read_hex_at(int dfd, const char *name, unsigned long *v)
{
	char buf[32], *end;
	ssize_t n;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*v = strtoul(buf, &end, 16);
	return end == buf ? -1 : 0;
}

int exl_topo_pci_has_gpu(const char *pci_dir)
{
	unsigned long cls, ven;
	struct dirent *de;
	int rc = 0, dfd;
	DIR *d;

	d = opendir(pci_dir);
	if (!d)
		return -1;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		dfd = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			rc = -1;
			break;
		}
		/* class is "0xCCSSPP": class, subclass, programming i/f */
		if (read_hex_at(dfd, "class", &cls) < 0 ||
		    read_hex_at(dfd, "vendor", &ven) < 0)
			rc = -1;
		else if (is_gpu_class((unsigned int)(cls >> 8),
				      (unsigned int)ven))
			rc = 1;
		close(dfd);
	}
	closedir(d);
	return rc;
}

static void gpu_from_pcidev(hwloc_topology_t topo, hwloc_obj_t o,
			    struct exl_topo_gpu *g)
{
	hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(topo, o);
	hwloc_obj_t c;
	const char *v;

	memset(g, 0, sizeof(*g));
	g->allocated = -1;
	snprintf(g->busid, sizeof(g->busid), "%04x:%02x:%02x.%01x",
		 o->attr->pcidev.domain, o->attr->pcidev.bus,
		 o->attr->pcidev.dev, o->attr->pcidev.func);
	g->numa = anc && anc->nodeset && hwloc_bitmap_weight(anc->nodeset) == 1 ?
		  hwloc_bitmap_first(anc->nodeset) : -1;
	for (c = o->io_first_child; c; c = c->next_sibling) {
		if (c->type != HWLOC_OBJ_OS_DEVICE)
			continue;
		if (!g->model[0] && (v = hwloc_obj_get_info_by_name(c, "GPUModel")))
			copy_clean(g->model, sizeof(g->model), v);
		if (!g->uuid[0] && (v = hwloc_obj_get_info_by_name(c, "NVIDIAUUID")))
			copy_clean(g->uuid, sizeof(g->uuid), v);
		if (!g->mem_bytes &&
		    (v = hwloc_obj_get_info_by_name(c, "CUDAGlobalMemorySize")))
			g->mem_bytes = strtoull(v, NULL, 10) * 1024;	/* KiB */
	}
	if (!g->model[0] && (v = hwloc_obj_get_info_by_name(o, "PCIDevice")))
		copy_clean(g->model, sizeof(g->model), v);
	if (!g->model[0])
		snprintf(g->model, sizeof(g->model), "PCI %04x:%04x",
			 o->attr->pcidev.vendor_id, o->attr->pcidev.device_id);
}

static void fill(hwloc_topology_t topo, struct exl_topo *t)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
	hwloc_obj_t o = NULL;
	const char *model = NULL;

	t->sockets = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	t->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	t->threads = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	t->numa_nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	t->mem_bytes = hwloc_get_root_obj(topo)->total_memory;
	if (pkg)
		model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
	if (!model)
		model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo),
						   "CPUModel");
	copy_clean(t->cpu_model, sizeof(t->cpu_model),
		   model ? model : "unknown CPU");
	while ((o = hwloc_get_next_pcidev(topo, o)) &&
	       t->ngpus < EXL_TOPO_MAX_GPUS)
		if (is_gpu(o))
			gpu_from_pcidev(topo, o, &t->gpu[t->ngpus++]);
}

/* hwloc components kept out of slurmstepd: libpciaccess ("pci": slow
 * pci.ids parsing and a leak per load; hwloc's Linux backend finds PCI
 * devices from sysfs without it), X11 probing ("gl"), the GPU runtimes
 * (NVML is queried by exp-log itself), and the x86 backend, which moves
 * the thread onto every CPU in turn to run CPUID there: on a VM each
 * CPUID is a trap to the hypervisor, a quarter of the load's time here
 * (1.1 -> 0.8 ms), and what it adds (caches, CPU kinds) is not used;
 * the Linux backend gives the same sockets, cores, threads and CPU
 * model from sysfs and /proc/cpuinfo.  Names this hwloc does not know
 * are refused by hwloc, harmlessly. */
static const char *const skip_components[] = {
	"pci", "gl", "opencl", "cuda", "nvml", "rsmi", "levelzero", "x86",
};

int exl_topo_load(const char *xmlpath, struct exl_topo *t,
		  struct exl_err *err)
{
	hwloc_topology_t topo;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (hwloc_topology_init(&topo) < 0)
		return exl_errnof(err, errno, "hwloc: couldn't initialize");
	for (i = 0; i < sizeof(skip_components) / sizeof(*skip_components); i++)
		(void)hwloc_topology_set_components(topo,
			HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST,
			skip_components[i]);
	if (xmlpath && hwloc_topology_set_xml(topo, xmlpath) < 0) {
		exl_errnof(err, errno, "hwloc: couldn't use XML topology %s",
			   xmlpath);
		goto fail;
	}
	/* PCI discovery is most of the load's time (about 20 ms on a VM
	 * with six devices) and only GPUs come from it: skipped when this
	 * machine's sysfs shows none (the result is the same); an XML
	 * topology or a relocated sysfs keeps it (0 is "surely none") */
	if ((xmlpath || getenv("HWLOC_XMLFILE") || getenv("HWLOC_FSROOT") ||
	     exl_topo_pci_has_gpu(EXL_TOPO_PCI_DIR) != 0) &&
	    hwloc_topology_set_io_types_filter(topo,
			HWLOC_TYPE_FILTER_KEEP_IMPORTANT) < 0) {
		exl_errnof(err, errno, "hwloc: couldn't set the I/O filter");
		goto fail;
	}
	if (hwloc_topology_load(topo) < 0) {
		exl_errnof(err, errno, "hwloc: couldn't load the topology%s%s",
			   xmlpath ? " from " : "", xmlpath ? xmlpath : "");
		goto fail;
	}
	fill(topo, t);
	hwloc_topology_destroy(topo);
	return 0;
fail:
	hwloc_topology_destroy(topo);
	return -1;
}

void exl_topo_merge_nvml(struct exl_topo *t, const struct exl_nvml *nv)
{
	unsigned int i, s;
	int k;

	for (k = 0; k < t->ngpus; k++)
		t->gpu[k].allocated = 0;
	for (i = 0; i < exl_nvml_count(nv); i++) {
		const struct exl_gpu_info *in = exl_nvml_info(nv, i);
		struct exl_topo_gpu *g = NULL;

		for (k = 0; k < t->ngpus && !g; k++)
			if (in->busid[0] && !strcmp(t->gpu[k].busid, in->busid))
				g = &t->gpu[k];
		if (!g) {
			if (t->ngpus >= EXL_TOPO_MAX_GPUS)
				continue;
			g = &t->gpu[t->ngpus++];
			memset(g, 0, sizeof(*g));
			g->numa = -1;
			snprintf(g->busid, sizeof(g->busid), "%s", in->busid);
		}
		if (in->name[0])
			copy_clean(g->model, sizeof(g->model), in->name);
		if (in->uuid[0])
			copy_clean(g->uuid, sizeof(g->uuid), in->uuid);
		if (in->mem_total)
			g->mem_bytes = in->mem_total;
		for (s = 0, g->allocated = 0; s < exl_nvml_nselected(nv); s++)
			if (exl_nvml_selected(nv, s) == in)
				g->allocated = 1;
	}
}

int exl_cpulist_count(const char *list)
{
	const char *p = list;
	long total = 0, a, b;
	char *end;

	if (!p || !*p)
		return -1;
	for (;;) {
		if (*p < '0' || *p > '9')
			return -1;
		a = strtol(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			b = strtol(p, &end, 10);
			p = end;
		}
		if (b < a || b > 1 << 20 || (total += b - a + 1) > 1 << 20)
			return -1;
		if (*p == '\0')
			return (int)total;
		if (*p++ != ',')
			return -1;
	}
}

json_object *exl_topo_to_json(const struct exl_topo *t, const char *node,
			      const struct exl_topo_alloc *alloc)
{
	json_object *o = json_object_new_object(), *cpu, *gpus, *a;
	int i;

	if (!o)
		return NULL;
	exl_json_set_str(o, "node", node);
	cpu = json_object_new_object();
	exl_json_set_str(cpu, "model", t->cpu_model);
	exl_json_set_int(cpu, "sockets", t->sockets);
	exl_json_set_int(cpu, "cores", t->cores);
	exl_json_set_int(cpu, "threads", t->threads);
	exl_json_set_int(cpu, "numa", t->numa_nodes);
	json_object_object_add(o, "cpu", cpu);
	exl_json_set_int(o, "mem_mib", (long long)(t->mem_bytes / MIB));
	gpus = json_object_new_array();
	for (i = 0; i < t->ngpus && gpus; i++) {
		const struct exl_topo_gpu *g = &t->gpu[i];
		json_object *j = json_object_new_object();

		exl_json_set_str(j, "model", g->model);
		if (g->mem_bytes)
			exl_json_set_int(j, "mem_mib", (long long)(g->mem_bytes / MIB));
		if (g->uuid[0])
			exl_json_set_str(j, "uuid", g->uuid);
		exl_json_set_str(j, "pci", g->busid);
		if (g->numa >= 0)
			exl_json_set_int(j, "numa", g->numa);
		if (g->allocated >= 0)
			json_object_object_add(j, "allocated",
					json_object_new_boolean(g->allocated));
		json_object_array_add(gpus, j);
	}
	json_object_object_add(o, "gpus", gpus);
	if (alloc && (alloc->cpus || alloc->mem_mb)) {
		a = json_object_new_object();
		exl_json_set_str(a, "cpus", alloc->cpus);
		if (alloc->cpus && exl_cpulist_count(alloc->cpus) > 0)
			exl_json_set_int(a, "ncpus", exl_cpulist_count(alloc->cpus));
		if (alloc->mem_mb)
			exl_json_set_int(a, "mem_mb", (long long)alloc->mem_mb);
		json_object_object_add(o, "alloc", a);
	}
	return o;
}

/* Text of a JSON string field, cleaned for markdown. */
static const char *md_str(json_object *o, const char *key, char *buf,
			  size_t len)
{
	const char *s = exl_json_str(o, key);

	copy_clean(buf, len, s ? s : "");
	return buf;
}

static void md_size_mib(struct exl_sb *b, long long mib)
{
	char sz[32];

	exl_human_bytes((uint64_t)mib * MIB, sz, sizeof(sz));
	exl_sb_printf(b, "%s", sz);
}

/* "4x MODEL SIZE (uuid, pci, NUMA n; ...)": GPUs grouped by model and
 * size, in hwloc's (PCI) order. */
static void md_gpus(struct exl_sb *b, json_object *gpus)
{
	size_t n = json_object_array_length(gpus), i, j, k, cnt;
	char model[96], m2[96], s[128];
	int done[EXL_TOPO_MAX_GPUS] = { 0 };

	exl_sb_printf(b, "; GPUs: ");
	if (n == 0) {
		exl_sb_printf(b, "none");
		return;
	}
	for (i = 0; i < n && i < EXL_TOPO_MAX_GPUS; i++) {
		json_object *g = json_object_array_get_idx(gpus, i);
		long long mib = exl_json_int(g, "mem_mib", 0);

		if (done[i])
			continue;
		md_str(g, "model", model, sizeof(model));
		for (j = i, cnt = 0; j < n && j < EXL_TOPO_MAX_GPUS; j++) {
			json_object *h = json_object_array_get_idx(gpus, j);

			if (!strcmp(md_str(h, "model", m2, sizeof(m2)), model) &&
			    exl_json_int(h, "mem_mib", 0) == mib) {
				done[j] = 1;
				cnt++;
			}
		}
		exl_sb_printf(b, "%s%zux %s", i ? ", " : "", cnt, model);
		if (mib > 0) {
			exl_sb_printf(b, " ");
			md_size_mib(b, mib);
		}
		exl_sb_printf(b, " (");
		for (j = i, k = 0; j < n && j < EXL_TOPO_MAX_GPUS; j++) {
			json_object *h = json_object_array_get_idx(gpus, j);

			if (strcmp(md_str(h, "model", m2, sizeof(m2)), model) ||
			    exl_json_int(h, "mem_mib", 0) != mib)
				continue;
			exl_sb_printf(b, "%s", k++ ? "; " : "");
			if (*md_str(h, "uuid", s, sizeof(s)))
				exl_sb_printf(b, "%s, ", s);
			exl_sb_printf(b, "%s", md_str(h, "pci", s, sizeof(s)));
			if (exl_json_has(h, "numa"))
				exl_sb_printf(b, ", NUMA %lld",
					      exl_json_int(h, "numa", -1));
		}
		exl_sb_printf(b, ")");
	}
}

/* "; allocated: 16 CPUs (0-15), 62.5 GiB, 2 of 4 GPUs" */
static void md_alloc(struct exl_sb *b, json_object *hw)
{
	json_object *a = NULL, *gpus = NULL, *v;
	size_t i, n, nalloc = 0;
	int known = 0;
	char s[64];

	json_object_object_get_ex(hw, "alloc", &a);
	if ((gpus = exl_json_array(hw, "gpus"))) {
		n = json_object_array_length(gpus);
		for (i = 0; i < n; i++) {
			json_object *g = json_object_array_get_idx(gpus, i);

			if (json_object_object_get_ex(g, "allocated", &v)) {
				known = 1;
				nalloc += json_object_get_boolean(v) ? 1 : 0;
			}
		}
	}
	if (!a && !known)
		return;
	exl_sb_printf(b, "; allocated: ");
	if (a && exl_json_has(a, "ncpus"))
		exl_sb_printf(b, "%lld CPU%s (%s)", exl_json_int(a, "ncpus", 0),
			      exl_json_int(a, "ncpus", 0) == 1 ? "" : "s",
			      md_str(a, "cpus", s, sizeof(s)));
	else
		exl_sb_printf(b, "CPUs unknown");
	if (a && exl_json_int(a, "mem_mb", 0) > 0) {
		exl_sb_printf(b, ", ");
		md_size_mib(b, exl_json_int(a, "mem_mb", 0));
	}
	if (known)
		exl_sb_printf(b, ", %zu of %zu GPU%s", nalloc,
			      json_object_array_length(gpus),
			      json_object_array_length(gpus) == 1 ? "" : "s");
}

/* "2 sockets" / "1 socket", then sep. */
static void md_count(struct exl_sb *b, json_object *o, const char *key,
		     const char *noun, const char *sep)
{
	long long n = exl_json_int(o, key, 0);

	exl_sb_printf(b, "%lld %s%s%s", n, noun, n == 1 ? "" : "s", sep);
}

char *exl_topo_md_value(json_object *hw)
{
	json_object *cpu = NULL, *gpus = NULL;
	struct exl_sb b = { 0 };
	char s[128];

	json_object_object_get_ex(hw, "cpu", &cpu);
	exl_sb_printf(&b, "%s: ", md_str(hw, "node", s, sizeof(s)));
	exl_sb_printf(&b, "%lldx %s (", exl_json_int(cpu, "sockets", 0),
		      md_str(cpu, "model", s, sizeof(s)));
	md_count(&b, cpu, "sockets", "socket", ", ");
	md_count(&b, cpu, "cores", "core", ", ");
	md_count(&b, cpu, "threads", "thread", ", ");
	exl_sb_printf(&b, "%lld NUMA), ", exl_json_int(cpu, "numa", 0));
	md_size_mib(&b, exl_json_int(hw, "mem_mib", 0));
	if ((gpus = exl_json_array(hw, "gpus")))
		md_gpus(&b, gpus);
	md_alloc(&b, hw);
	return exl_sb_take(&b, NULL);
}

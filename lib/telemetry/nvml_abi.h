/* nvml_abi.h - the slice of NVIDIA's NVML C API that exp-log uses.
 *
 * exp-log never links against NVML and needs no NVIDIA headers: the
 * library is opened with dlopen() and these declarations describe the
 * entry points it looks up, after NVML's public API reference (nvml.h):
 * nvmlInit_v2, nvmlShutdown, nvmlErrorString, nvmlDeviceGetCount_v2,
 * nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetName, nvmlDeviceGetUUID,
 * nvmlDeviceGetPciInfo_v3, nvmlDeviceGetMemoryInfo,
 * nvmlDeviceGetUtilizationRates, nvmlDeviceGetPowerUsage,
 * nvmlDeviceGetTemperature, nvmlDeviceGetClockInfo,
 * nvmlDeviceGetTotalEccErrors, and the event API for XID errors:
 * nvmlEventSetCreate, nvmlDeviceRegisterEvents, nvmlEventSetWait_v2
 * (nvmlEventSetWait on old drivers), nvmlEventSetFree.
 *
 * Only the layout of the structs matters (the ABI); the names follow
 * nvml.h so a reader can look each one up.  The test suite's fake NVML
 * (tests/fake_nvml) implements the same declarations.
 */
#ifndef EXL_NVML_ABI_H
#define EXL_NVML_ABI_H

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlEventSet_st *nvmlEventSet_t;

/* nvmlReturn_t values used here. */
#define NVML_SUCCESS			0
#define NVML_ERROR_UNINITIALIZED	1
#define NVML_ERROR_INVALID_ARGUMENT	2
#define NVML_ERROR_NOT_SUPPORTED	3
#define NVML_ERROR_NO_PERMISSION	4
#define NVML_ERROR_NOT_FOUND		6
#define NVML_ERROR_INSUFFICIENT_SIZE	7
#define NVML_ERROR_DRIVER_NOT_LOADED	9
#define NVML_ERROR_TIMEOUT		10
#define NVML_ERROR_GPU_IS_LOST		15
#define NVML_ERROR_UNKNOWN		999

/* Buffer sizes (NVML_DEVICE_*_V2_BUFFER_SIZE). */
#define NVML_NAME_BUFFER_SIZE		96
#define NVML_UUID_BUFFER_SIZE		96

/* nvmlPciInfo_t, as filled by nvmlDeviceGetPciInfo_v3. */
typedef struct {
	char busIdLegacy[16];
	unsigned int domain;
	unsigned int bus;
	unsigned int device;
	unsigned int pciDeviceId;	/* device id << 16 | vendor id */
	unsigned int pciSubSystemId;
	char busId[32];			/* "00000000:17:00.0" */
} nvmlPciInfo_t;

/* nvmlMemory_t (bytes). */
typedef struct {
	unsigned long long total;
	unsigned long long free;
	unsigned long long used;
} nvmlMemory_t;

/* nvmlUtilization_t (percent over the driver's last sample period). */
typedef struct {
	unsigned int gpu;
	unsigned int memory;
} nvmlUtilization_t;

/* nvmlEventData_t in its v2 layout; the v1 call fills a prefix of it. */
typedef struct {
	nvmlDevice_t device;
	unsigned long long eventType;
	unsigned long long eventData;	/* the XID number */
	unsigned int gpuInstanceId;
	unsigned int computeInstanceId;
} nvmlEventData_t;

#define NVML_TEMPERATURE_GPU		0	/* nvmlTemperatureSensors_t */
#define NVML_CLOCK_SM			1	/* nvmlClockType_t */
#define NVML_MEMORY_ERROR_TYPE_CORRECTED	0	/* nvmlMemoryErrorType_t */
#define NVML_MEMORY_ERROR_TYPE_UNCORRECTED	1
#define NVML_VOLATILE_ECC		0	/* nvmlEccCounterType_t */
#define nvmlEventTypeXidCriticalError	0x0000000000000008ULL

/* Function types, one per entry point looked up with dlsym(). */
typedef nvmlReturn_t (*nvmlInit_v2_fn)(void);
typedef nvmlReturn_t (*nvmlShutdown_fn)(void);
typedef const char *(*nvmlErrorString_fn)(nvmlReturn_t r);
typedef nvmlReturn_t (*nvmlDeviceGetCount_v2_fn)(unsigned int *count);
typedef nvmlReturn_t (*nvmlDeviceGetHandleByIndex_v2_fn)(unsigned int i,
							  nvmlDevice_t *dev);
typedef nvmlReturn_t (*nvmlDeviceGetName_fn)(nvmlDevice_t dev, char *name,
					     unsigned int len);
typedef nvmlReturn_t (*nvmlDeviceGetUUID_fn)(nvmlDevice_t dev, char *uuid,
					     unsigned int len);
typedef nvmlReturn_t (*nvmlDeviceGetPciInfo_v3_fn)(nvmlDevice_t dev,
						   nvmlPciInfo_t *pci);
typedef nvmlReturn_t (*nvmlDeviceGetMemoryInfo_fn)(nvmlDevice_t dev,
						   nvmlMemory_t *mem);
typedef nvmlReturn_t (*nvmlDeviceGetUtilizationRates_fn)(nvmlDevice_t dev,
							 nvmlUtilization_t *u);
typedef nvmlReturn_t (*nvmlDeviceGetPowerUsage_fn)(nvmlDevice_t dev,
						   unsigned int *mw);
typedef nvmlReturn_t (*nvmlDeviceGetTemperature_fn)(nvmlDevice_t dev,
						    int sensor,
						    unsigned int *temp);
typedef nvmlReturn_t (*nvmlDeviceGetClockInfo_fn)(nvmlDevice_t dev,
						  int type,
						  unsigned int *mhz);
typedef nvmlReturn_t (*nvmlDeviceGetTotalEccErrors_fn)(nvmlDevice_t dev,
						       int error_type,
						       int counter_type,
						       unsigned long long *n);
typedef nvmlReturn_t (*nvmlEventSetCreate_fn)(nvmlEventSet_t *set);
typedef nvmlReturn_t (*nvmlDeviceRegisterEvents_fn)(nvmlDevice_t dev,
						    unsigned long long types,
						    nvmlEventSet_t set);
typedef nvmlReturn_t (*nvmlEventSetWait_fn)(nvmlEventSet_t set,
					    nvmlEventData_t *data,
					    unsigned int timeout_ms);
typedef nvmlReturn_t (*nvmlEventSetFree_fn)(nvmlEventSet_t set);

/* Every entry point exp-log uses, as looked up (telemetry_nvml.c). */
struct nvml_fns {
	nvmlInit_v2_fn init;
	nvmlShutdown_fn shutdown;
	nvmlErrorString_fn error_string;
	nvmlDeviceGetCount_v2_fn count;
	nvmlDeviceGetHandleByIndex_v2_fn handle;
	nvmlDeviceGetName_fn name;
	nvmlDeviceGetUUID_fn uuid;
	nvmlDeviceGetPciInfo_v3_fn pci;
	nvmlDeviceGetMemoryInfo_fn memory;
	nvmlDeviceGetUtilizationRates_fn util;
	nvmlDeviceGetPowerUsage_fn power;
	nvmlDeviceGetTemperature_fn temp;
	nvmlDeviceGetClockInfo_fn clock;
	nvmlDeviceGetTotalEccErrors_fn ecc;
	nvmlEventSetCreate_fn ev_create;
	nvmlDeviceRegisterEvents_fn ev_register;
	nvmlEventSetWait_fn ev_wait;
	nvmlEventSetFree_fn ev_free;
};

#endif

# Shared by every lib/*/test/Makefile.am: unit tests are TAP programs
# linked with libexplog, run with the fixtures and fake NVML of the tree.
AM_CFLAGS = $(WARN_CFLAGS)
AM_CPPFLAGS = -D_GNU_SOURCE -I$(top_srcdir)/lib -I$(top_srcdir)/tests/include \
	-I$(srcdir) $(JSONC_CFLAGS) $(YAML_CFLAGS) $(HWLOC_CFLAGS) \
	$(GIT2_CFLAGS) $(CRYPTO_CFLAGS) \
	-DEXL_TOP_SRCDIR='"$(abs_top_srcdir)"' \
	-DEXL_TOP_BUILDDIR='"$(abs_top_builddir)"' \
	-DEXL_CORPUS='"$(abs_top_srcdir)/tests/runlog/corpus"'
LDADD = $(top_builddir)/lib/libexplog.la

LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = TZ=UTC; export TZ;
# Telemetry tests: the scripted NVML stand-in and the hwloc fixtures.
AM_TESTS_ENVIRONMENT += EXL_FAKE_NVML=$(abs_top_builddir)/tests/fake_nvml/.libs/fake_nvml.so; export EXL_FAKE_NVML;
AM_TESTS_ENVIRONMENT += EXL_HWLOC_DATA=$(abs_top_srcdir)/lib/telemetry/test/hwloc-data; export EXL_HWLOC_DATA;

TESTS = $(check_PROGRAMS)

# Every unit test under valgrind: no leak, no invalid access.  PCRE2's
# JIT code reads ahead in ways valgrind reports: the interpreter there.
check-valgrind: $(check_PROGRAMS)
	@$(AM_TESTS_ENVIRONMENT) EXL_REGEX_NOJIT=1 EXL_UNDER_VALGRIND=1; \
	export EXL_REGEX_NOJIT EXL_UNDER_VALGRIND; \
	fail=0; for t in $(check_PROGRAMS); do \
		if $(LIBTOOL) --mode=execute valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 ./$$t >$$t.vg.out 2>&1; then \
			echo "valgrind: $$t clean"; \
		else \
			echo "valgrind: $$t FAILED"; tail -n 40 $$t.vg.out; fail=1; \
		fi; \
	done; test $$fail = 0

CLEANFILES = *.vg.out
.PHONY: check-valgrind

# SYNOPSIS
#   X_AC_SLURM
#
# DESCRIPTION
#   Find <slurm/spank.h> and libslurm, and choose the directory the SPANK
#   plugin is installed into (--with-slurm-plugindir, default: libslurm's
#   own plugin directory as Debian and upstream lay it out).
#
# NOTES
#   The plugin itself is not linked against libslurm: slurmstepd, slurmd,
#   sbatch, srun and salloc already carry the symbols it uses.  Programs on
#   the login node (runlog) link SLURM_LIBS.
AC_DEFUN([X_AC_SLURM], [
	AC_ARG_WITH([slurm],
		[AS_HELP_STRING([--with-slurm=PREFIX], [Slurm install prefix])],
		[SLURM_CPPFLAGS="-I$withval/include"
		 SLURM_LDFLAGS="-L$withval/lib"], [])
	save_CPPFLAGS=$CPPFLAGS
	CPPFLAGS="$CPPFLAGS $SLURM_CPPFLAGS"
	AC_CHECK_HEADER([slurm/spank.h], [],
		[AC_MSG_ERROR([slurm/spank.h not found: install the libslurm-dev package (apt-get install libslurm-dev)])])
	CPPFLAGS=$save_CPPFLAGS
	save_LDFLAGS=$LDFLAGS
	LDFLAGS="$LDFLAGS $SLURM_LDFLAGS"
	AC_CHECK_LIB([slurm], [slurm_load_jobs], [SLURM_LIBS="$SLURM_LDFLAGS -lslurm"],
		[AC_MSG_ERROR([libslurm not found: install the libslurm-dev package (apt-get install libslurm-dev)])])
	LDFLAGS=$save_LDFLAGS
	AC_ARG_WITH([slurm-plugindir],
		[AS_HELP_STRING([--with-slurm-plugindir=DIR],
			[where exp_log.so is installed (default: Slurm's plugin dir)])],
		[SLURM_PLUGINDIR=$withval],
		[SLURM_PLUGINDIR=
		 for d in /usr/lib/$host_cpu-$host_os/slurm-wlm /usr/lib/x86_64-linux-gnu/slurm-wlm \
			  /usr/lib64/slurm /usr/lib/slurm; do
			if test -d "$d"; then SLURM_PLUGINDIR=$d; break; fi
		 done
		 test -n "$SLURM_PLUGINDIR" || SLURM_PLUGINDIR='${libdir}/slurm'])
	AC_SUBST([SLURM_CPPFLAGS])
	AC_SUBST([SLURM_LIBS])
	AC_SUBST([SLURM_PLUGINDIR])
])

# SYNOPSIS
#   X_AC_WARNINGS
#
# DESCRIPTION
#   WARN_CFLAGS: -Wall -Wextra plus hardening flags, added to every target
#   by the Makefiles.  --enable-werror adds -Werror; it is off by default so
#   that a release tarball still builds on a newer compiler with new
#   warnings.  contrib/dev/check (and so CI) configures every build with it.
AC_DEFUN([X_AC_WARNINGS], [
	AC_ARG_ENABLE([werror],
		[AS_HELP_STRING([--enable-werror],
			[treat compiler warnings as errors (default: no)])],
		[AS_CASE([$enableval], [yes|no], [],
			[AC_MSG_ERROR([--enable-werror takes no value other than yes or no, not '$enableval'])])],
		[enable_werror=no])
	WARN_CFLAGS="-Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -fstack-protector-strong"
	AS_IF([test "x$enable_werror" = xyes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
	AC_SUBST([WARN_CFLAGS])
])

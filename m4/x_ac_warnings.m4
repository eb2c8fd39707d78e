# SYNOPSIS
#   X_AC_WARNINGS
#
# DESCRIPTION
#   WARN_CFLAGS: -Wall -Wextra -Werror plus hardening flags, added to every
#   target by the Makefiles.  --disable-werror drops -Werror (for packagers
#   on newer compilers); the project itself builds with it.
AC_DEFUN([X_AC_WARNINGS], [
	AC_ARG_ENABLE([werror],
		[AS_HELP_STRING([--disable-werror], [do not treat warnings as errors])],
		[], [enable_werror=yes])
	WARN_CFLAGS="-Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -fstack-protector-strong"
	AS_IF([test "x$enable_werror" = xyes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
	AC_SUBST([WARN_CFLAGS])
])

# SYNOPSIS
#   X_AC_PKG(VARIABLE-PREFIX, PKG-CONFIG-MODULE, DEBIAN-PACKAGE)
#
# DESCRIPTION
#   Find a required library with pkg-config and set PREFIX_CFLAGS and
#   PREFIX_LIBS.  When it is missing, stop with a message that names the
#   Debian package to install, so a fresh machine needs no guessing.
AC_DEFUN([X_AC_PKG], [
	PKG_CHECK_MODULES([$1], [$2], [],
		[AC_MSG_ERROR([$2 not found: install the $3 package (apt-get install $3)])])
])

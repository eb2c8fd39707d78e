# SYNOPSIS
#   X_AC_SONAME(VARIABLE-PREFIX, LIBRARY-NAME)
#
# DESCRIPTION
#   The soname of a library found by X_AC_PKG (PREFIX_LIBS), for code
#   that loads it with dlopen() only when it needs it (the SPANK core
#   loads libgit2 that way: see lib/watch/git2_lazy.c).  Links a test
#   program against PREFIX_LIBS and reads its NEEDED entry; defines
#   PREFIX_SONAME in exl_build.h and substitutes it.
AC_DEFUN([X_AC_SONAME], [
	AC_CHECK_TOOL([OBJDUMP], [objdump], [no])
	AC_MSG_CHECKING([the soname of $2])
	x_ac_soname_save_LIBS=$LIBS
	LIBS="-Wl,--no-as-needed $$1_LIBS $LIBS"
	AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
		[$1_SONAME=`$OBJDUMP -p conftest$EXEEXT 2>/dev/null |
			sed -n 's/^ *NEEDED *\($2\.so[[^ ]]*\)$/\1/p' | sed -n 1p`],
		[$1_SONAME=])
	LIBS=$x_ac_soname_save_LIBS
	AS_IF([test -z "$$1_SONAME"],
		[AC_MSG_ERROR([couldn't find the soname of $2 (needs objdump from binutils)])])
	AC_MSG_RESULT([$$1_SONAME])
	AC_DEFINE_UNQUOTED([$1_SONAME], ["$$1_SONAME"], [soname of $2, for dlopen])
	AC_SUBST([$1_SONAME])
])

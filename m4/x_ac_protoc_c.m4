# SYNOPSIS
#   X_AC_PROTOC_C
#
# DESCRIPTION
#   Find the protobuf-c code generator (protoc-c) and set PROTOC_C.  The
#   C code for our .proto files is generated at build time, so a release
#   tarball needs it too.  When it is missing, stop with a message that
#   names the Debian package to install.
AC_DEFUN([X_AC_PROTOC_C], [
	AC_ARG_VAR([PROTOC_C], [protobuf-c code generator (protoc-c)])
	AC_PATH_PROG([PROTOC_C], [protoc-c])
	AS_IF([test -z "$PROTOC_C"],
		[AC_MSG_ERROR([protoc-c not found: install the protobuf-c-compiler package (apt-get install protobuf-c-compiler)])])
])

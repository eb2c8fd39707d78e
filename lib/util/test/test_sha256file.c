/* Unit tests: sha256 of buffers and files through the libcrypto loaded on
 * first use (util/crypto_load.h), and exp_log_core.so without libcrypto
 * among the libraries it needs. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/crypto_load.h"
#include "util/sha256file.h"
#include "tap.h"

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/* needs_crypto: does the ELF file at path name libcrypto in DT_NEEDED?
 * 1 yes, 0 no, -1 unreadable. */
static int needs_crypto(const char *path)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	Elf64_Shdr *sh = NULL;
	char *dynstr = NULL;
	Elf64_Dyn *dyn = NULL;
	int rc = -1, i;
	size_t n = 0, j;

	if (!f || fread(&eh, sizeof(eh), 1, f) != 1 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		goto out;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh || fseek(f, (long)eh.e_shoff, SEEK_SET) != 0 ||
	    fread(sh, sizeof(*sh), eh.e_shnum, f) != eh.e_shnum)
		goto out;
	for (i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr *s = &sh[i], *str;

		if (s->sh_type != SHT_DYNAMIC || s->sh_link >= eh.e_shnum)
			continue;
		str = &sh[s->sh_link];
		dyn = malloc(s->sh_size);
		dynstr = malloc(str->sh_size + 1);
		if (!dyn || !dynstr ||
		    fseek(f, (long)s->sh_offset, SEEK_SET) != 0 ||
		    fread(dyn, 1, s->sh_size, f) != s->sh_size ||
		    fseek(f, (long)str->sh_offset, SEEK_SET) != 0 ||
		    fread(dynstr, 1, str->sh_size, f) != str->sh_size)
			goto out;
		dynstr[str->sh_size] = '\0';
		n = s->sh_size / sizeof(*dyn);
		rc = 0;
		for (j = 0; j < n; j++)
			if (dyn[j].d_tag == DT_NEEDED &&
			    dyn[j].d_un.d_val < str->sh_size &&
			    strncmp(dynstr + dyn[j].d_un.d_val, "libcrypto", 9) == 0)
				rc = 1;
		break;
	}
out:
	free(dyn);
	free(dynstr);
	free(sh);
	if (f)
		fclose(f);
	return rc;
}

int main(void)
{
	char hex[EXL_SHA256_HEX], dir[] = "/tmp/exl-sha.XXXXXX", path[64];
	char link[64], *big, bighex[EXL_SHA256_HEX];
	struct exl_err err;
	size_t bigsz = 3u << 20;
	int fd;

	ok(exl_crypto() != NULL, "libcrypto loaded on first use");
	is_str(exl_crypto_error(), "", "no error once loaded");
	ok(exl_sha256_buf("", 0, hex) == 0, "empty buffer");
	is_str(hex, SHA_EMPTY, "sha256 of nothing");
	ok(exl_sha256_buf("abc", 3, hex) == 0, "\"abc\"");
	is_str(hex, SHA_ABC, "sha256 of \"abc\" (FIPS 180-2)");

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, "abc", 3) == 3 && close(fd) == 0, "file written");
	ok(exl_sha256_file(path, hex, &err) == 0, "file hashed");
	is_str(hex, SHA_ABC, "file and buffer agree");

	/* a file longer than one read equals its buffer */
	big = malloc(bigsz);
	if (!big)
		return 1;
	memset(big, 'x', bigsz);
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, big, bigsz) == (ssize_t)bigsz && close(fd) == 0,
	   "3 MiB file written");
	ok(exl_sha256_buf(big, bigsz, bighex) == 0, "3 MiB buffer hashed");
	ok(exl_sha256_file(path, hex, &err) == 0, "3 MiB file hashed");
	is_str(hex, bighex, "3 MiB: file (several reads) and buffer agree");
	ok(strcmp(bighex, SHA_ABC) != 0 && strlen(bighex) == 64, "a 64-digit digest");
	free(big);

	ok(symlink(path, link) == 0, "symlink made");
	ok(exl_sha256_file(link, hex, &err) < 0, "a symlink is not followed");
	ok(strstr(err.text, link) != NULL, "the error names it: %s", err.text);
	ok(exl_sha256_file(dir, hex, &err) < 0, "a directory is refused");
	ok(strstr(err.text, "not a regular file") != NULL, "saying why: %s",
	   err.text);
	unlink(link);
	unlink(path);
	rmdir(dir);

	/* the plugin's core loads libcrypto only when it hashes */
	is_int(needs_crypto(EXL_TOP_BUILDDIR "/spank/.libs/exp_log_core.so"), 0,
	       "exp_log_core.so does not need libcrypto at load");
	is_int(needs_crypto(EXL_TOP_BUILDDIR "/passport/passport"), 1,
	       "passport links it (the check can see it)");
	return done_testing();
}

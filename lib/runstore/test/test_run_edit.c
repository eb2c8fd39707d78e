/* Unit tests: the one locked edit.  A person's editor saves the run log
 * while a writer is changing it (the save is made from inside the
 * writer's callback, the worst moment): the change is redone on the
 * person's version and both survive, with the log alone and with its
 * sidecar; a log that never stops changing is refused, not clobbered. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "tmpdir.h"
#include "runstore/layout.h"
#include "runstore/run_edit.h"
#include "util/fileio.h"
#include "util/jsonfile.h"

struct race {
	const char *path;
	int calls;		/* how often the change ran */
	int saves;		/* hand saves to make, one per call */
	int hand_rename;	/* save as editors do: new file renamed over */
};

/* hand_save: what a person's editor does, without our lock. */
static void hand_save(struct race *r)
{
	char *text = NULL, tmp[4200];
	FILE *f;

	if (exl_read_file(r->path, 1 << 20, &text, NULL, NULL) < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.swp", r->path);
	f = fopen(r->hand_rename ? tmp : r->path, "w");
	if (f) {
		fprintf(f, "%shand edit %d\n", text, r->calls);
		fclose(f);
		if (r->hand_rename && rename(tmp, r->path) < 0)
			perror("rename");
	}
	free(text);
}

static int change(struct exl_run_edit *e, void *arg)
{
	struct race *r = arg;

	r->calls++;
	if (r->saves > 0) {
		r->saves--;
		hand_save(r);
	}
	if (e->run) {
		char n[16];

		snprintf(n, sizeof(n), "%d", r->calls);
		if (exl_rr_map_set(&e->run->facts, "edits", n) < 0)
			return -1;
	}
	e->closed = 1;
	e->end = 42;
	return exl_doc_append(&e->doc, 0, "- added by the writer");
}

static int nothing(struct exl_run_edit *e, void *arg)
{
	(void)e;
	(void)arg;
	return 1;
}

static void write_log(const char *path)
{
	static const char t[] = "## Status\n- first\n";

	if (exl_write_atomic(path, t, strlen(t), 0644, NULL) < 0)
		perror(path);
}

/* held_elsewhere: fork a process that takes lock and holds it until
 * killed; returns its pid once it holds it (0 on failure). */
static pid_t held_elsewhere(const char *lock)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		struct exl_err err;

		close(p[0]);
		if (exl_lock(lock, 5, &err) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		return 0;
	}
	close(p[0]);
	return pid;
}

/* busy: is lock held by another process right now (one try)? */
static int busy(const char *lock)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(lock, O_RDWR), b;

	if (fd < 0)
		return 0;
	b = fcntl(fd, F_SETLK, &fl) < 0;
	close(fd);
	return b;
}

/* locks: a run's own lock; a held group lock or another run's lock does
 * not keep a run's writer waiting. */
static void locks(const char *dir)
{
	char *a = exl_run_lock_path(dir, "g", "/x/g/2026-01-02_a.md");
	char *b = exl_run_lock_path(dir, "g", "/x/g/2026-01-02_b.md");
	char *g = exl_layout_lock(dir, "g");
	char *f = exl_run_lock_path(dir, NULL, "2026-01-02_c.md");
	char want[600];
	struct exl_err err;
	pid_t holder;
	int fd;

	snprintf(want, sizeof(want), "%s/.exp-log/locks/g/2026-01-02_a.lock", dir);
	ok(a && strcmp(a, want) == 0, "run lock path: %s", a ? a : "(null)");
	snprintf(want, sizeof(want), "%s/.exp-log/locks/+flat/2026-01-02_c.lock",
		 dir);
	ok(f && strcmp(f, want) == 0, "flat run lock path: %s", f ? f : "(null)");
	fd = exl_run_lock(dir, "g", "/x/g/2026-01-02_a.md", &err);
	ok(fd >= 0, "run lock taken, its directory made");
	exl_unlock(fd);
	/* another process holds the group lock (a new run being named) */
	fd = exl_lock(g, 1, &err);
	exl_unlock(fd);
	holder = g ? held_elsewhere(g) : 0;
	ok(holder > 0 && busy(g), "group lock held elsewhere");
	fd = exl_run_lock(dir, "g", "/x/g/2026-01-02_a.md", &err);
	ok(fd >= 0 && exl_lock_longest_wait_ms() < 1000,
	   "a run's writer does not wait for the group lock");
	exl_unlock(fd);
	if (holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
	}
	/* another process holds run a's lock: run b goes on, a is busy */
	holder = a ? held_elsewhere(a) : 0;
	ok(holder > 0 && busy(a), "run a's lock held elsewhere");
	fd = exl_run_lock(dir, "g", "/x/g/2026-01-02_b.md", &err);
	ok(fd >= 0 && b && busy(a), "run b's writer goes on meanwhile");
	exl_unlock(fd);
	if (holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
	}
	ok(!busy(a), "run a's lock is free once its holder is gone");
	free(a);
	free(b);
	free(g);
	free(f);
}

int main(void)
{
	char dir[256], log[512], sdir[512], side[600], lock[600], *text = NULL;
	struct exl_run_edit e;
	struct exl_err err;
	struct race r;
	struct exl_run_record rec;
	json_object *o;
	struct stat st;
	int rc, hand;

	if (!tmpdir_make(dir, sizeof(dir)))
		return 1;
	snprintf(log, sizeof(log), "%s/run.md", dir);
	snprintf(sdir, sizeof(sdir), "%s/state", dir);
	snprintf(side, sizeof(side), "%s/run.json", sdir);
	snprintf(lock, sizeof(lock), "%s/locks/g.lock", dir);
	mkdir(sdir, 0755);

	for (hand = 0; hand < 2; hand++) {
		write_log(log);
		memset(&e, 0, sizeof(e));
		e.run_log = log;
		r = (struct race){ .path = log, .saves = 1, .hand_rename = hand };
		rc = exl_run_edit(&e, lock, change, &r, &err);
		is_int(rc, 0, "%s save: edit succeeds", hand ? "rename" : "in-place");
		is_int(r.calls, 2, "%s save: the change was redone once",
		       hand ? "rename" : "in-place");
		free(text);
		text = NULL;
		ok(exl_read_file(log, 1 << 20, &text, NULL, NULL) == 0 &&
		   strstr(text, "hand edit 1\n") &&
		   strstr(text, "- added by the writer"),
		   "%s save: the hand edit and the change are both kept",
		   hand ? "rename" : "in-place");
		ok(e.closed && e.end == 42, "closed and end reach the caller");
	}
	ok(stat(lock, &st) == 0, "the lock's directory was made");

	/* with the sidecar: loaded, changed, saved with the log */
	write_log(log);
	o = json_object_new_object();
	exl_json_write(side, o, NULL);
	json_object_put(o);
	memset(&e, 0, sizeof(e));
	e.run_log = log;
	e.state_dir = sdir;
	r = (struct race){ .path = log, .saves = 2 };
	rc = exl_run_edit(&e, NULL, change, &r, &err);
	is_int(rc, 0, "sidecar: edit succeeds after two hand saves");
	ok(exl_run_record_load(sdir, &rec, NULL) == 0 &&
	   exl_rr_map_get(&rec.facts, "edits") &&
	   strcmp(exl_rr_map_get(&rec.facts, "edits"), "3") == 0,
	   "sidecar: saved from the last try");
	exl_run_record_free(&rec);

	/* the versions edits replace are the next edits' spare files, so
	 * the run log's edits take turns between two files */
	{
		char pm[600], pj[600];
		struct stat a, b, c;
		int i;

		snprintf(pm, sizeof(pm), "%s/.prev.md", sdir);
		snprintf(pj, sizeof(pj), "%s/.prev.run.json", sdir);
		rc = 0;
		for (i = 0; i < 3; i++) {
			memset(&e, 0, sizeof(e));
			e.run_log = log;
			e.state_dir = sdir;
			r = (struct race){ .path = log };
			rc |= exl_run_edit(&e, NULL, change, &r, &err);
			stat(log, i == 0 ? &a : i == 1 ? &b : &c);
		}
		ok(rc == 0 && stat(pm, &st) == 0 && stat(pj, &st) == 0,
		   "spares: the replaced run log and run.json kept in the state dir");
		ok(a.st_ino != b.st_ino && c.st_ino == a.st_ino &&
		   stat(pm, &st) == 0 && st.st_ino == b.st_ino,
		   "spares: the third edit wrote into the first one's file");
	}

	/* a log that changes on every try is left alone */
	write_log(log);
	memset(&e, 0, sizeof(e));
	e.run_log = log;
	r = (struct race){ .path = log, .saves = EXL_EDIT_RETRIES };
	rc = exl_run_edit(&e, NULL, change, &r, &err);
	is_int(rc, -1, "always changing: refused");
	ok(strstr(err.text, "keeps changing") != NULL, "and says so: %s",
	   err.text);
	free(text);
	text = NULL;
	ok(exl_read_file(log, 1 << 20, &text, NULL, NULL) == 0 &&
	   !strstr(text, "- added by the writer") &&
	   strstr(text, "hand edit 5\n"), "every hand edit kept, nothing written");

	/* nothing to write: the file is not touched */
	memset(&e, 0, sizeof(e));
	e.run_log = log;
	stat(log, &st);
	rc = exl_run_edit(&e, NULL, nothing, NULL, &err);
	is_int(rc, 1, "nothing to write: 1");

	/* a missing log is an error naming it */
	memset(&e, 0, sizeof(e));
	snprintf(side, sizeof(side), "%s/none.md", dir);
	e.run_log = side;
	rc = exl_run_edit(&e, NULL, change, &r, &err);
	ok(rc == -1 && strstr(err.text, "none.md"), "missing log: %s",
	   err.text);

	locks(dir);
	free(text);
	tmpdir_remove(dir);
	return done_testing();
}

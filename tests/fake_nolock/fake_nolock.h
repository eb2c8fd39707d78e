/* fake_nolock.h - TEST ONLY: the switch of the fcntl interposer in
 * fake_nolock.c (on by default, as the LD_PRELOAD shim is). */
#ifndef EXL_FAKE_NOLOCK_H
#define EXL_FAKE_NOLOCK_H

/* Nonzero: fcntl lock requests fail with ENOLCK. */
extern int fake_nolock_on;

#endif

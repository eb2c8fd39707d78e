#!/bin/bash
# 16-team.t with fcntl locks failing (ENOLCK from tests/fake_nolock):
# the link lock serialises every writer (tests/cluster/team.sh).
NOLOCK=1
. "$(dirname "$0")/team.sh"

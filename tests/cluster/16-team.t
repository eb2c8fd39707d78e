#!/bin/bash
# Two users, one group-shared setgid root, job arrays racing lint --fix,
# notes and hand edits (tests/cluster/team.sh).
. "$(dirname "$0")/team.sh"

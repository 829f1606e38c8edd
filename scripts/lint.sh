#!/usr/bin/env bash
# lint.sh - shellcheck every shell script of the project (scripts/, test/system/, .ci/run).
# Usage: scripts/lint.sh [--help]
# Exit: 0 clean, 1 findings, 69 shellcheck is not installed.
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || { echo "lint.sh: shellcheck is not installed (apt-get install shellcheck)" >&2; exit 69; }
mapfile -t files < <(find scripts test/system -name '*.sh' -type f | sort; [[ -f .ci/run ]] && echo .ci/run)
shellcheck -x -P SCRIPTDIR "${files[@]}"
echo "lint.sh: ${#files[@]} scripts clean" >&2

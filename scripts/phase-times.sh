# Sourced by .ci/run and scripts/run-tests: time the phases of a run.
#   phase NAME CMD [ARGS...]   runs CMD, then prints "phase NAME: N s"
#   phase_unfinished           (in an EXIT trap) writes down the phase a failure stopped
#   phase_table                prints every phase timed so far, and their total
#   phase_cleanup              deletes $NEOSENSE_PHASES if this script made it
# The times go to the file $NEOSENSE_PHASES (made here when unset, and exported), so the
# phases scripts/run-tests times inside .ci/run's `make test` land in .ci/run's table.
# CMD runs under the caller's `set -e`, not in a condition (where bash would ignore -e in
# every function CMD calls): a failure ends the script, and phase_unfinished records it.

phase_file_made_here=""
if [ -z "${NEOSENSE_PHASES:-}" ]; then
    NEOSENSE_PHASES=$(mktemp "${TMPDIR:-/tmp}/neosense-phases.XXXXXX")
    phase_file_made_here=1
fi
export NEOSENSE_PHASES
phase_name=""
phase_start=0

_phase_record() {
    local seconds=$(($(date +%s) - phase_start))
    echo "phase $phase_name: $seconds s${1:+ ($1)}"
    printf '%s\t%s\t%s\n' "$phase_name" "$seconds" "${1:-}" >>"$NEOSENSE_PHASES"
    phase_name=""
}

phase() {
    phase_name=$1
    phase_start=$(date +%s)
    shift
    "$@"
    _phase_record
}

phase_unfinished() {
    if [ -n "$phase_name" ]; then _phase_record FAILED; fi
}

phase_table() {
    echo "== phase times"
    awk -F '\t' '
        { printf "  %-20s %6d s  %s\n", $1, $2, $3; total += $2 }
        END { printf "  %-20s %6d s\n", "total", total }
    ' "$NEOSENSE_PHASES"
}

phase_cleanup() {
    if [ -n "$phase_file_made_here" ]; then rm -f "$NEOSENSE_PHASES"; fi
}

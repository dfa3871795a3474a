#!/usr/bin/env bash
# The cargo-fuzz targets (fuzz/fuzz_targets): the search query, every form, the KATO CSV, the
# stored eligibility criteria and a lender's file of repayments, each for SECONDS (default
# 300; `make test` runs 30, `make fuzz` the default). Starts from the committed seeds
# (fuzz/seeds) and the corpus of earlier runs (fuzz/corpus, not committed). A panic or a
# failed assertion stops with the input saved under fuzz/artifacts/<target>/ and the command
# that replays it.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Stable Rust: RUSTC_BOOTSTRAP lets the stable compiler take the coverage flags cargo-fuzz
# passes, and `-s none` leaves out the address sanitizer (nightly only; safe Rust, no
# `unsafe` in our crates, so what is looked for is panics: overflow, slicing, unwraps, asserts).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

SECONDS_EACH="${1:-300}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(search_query forms kato_csv criteria repayments_csv)

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (a few minutes, once)"
  quick_install cargo-fuzz --locked --version 0.13.2
fi

export RUSTC_BOOTSTRAP=1
cd fuzz
say "building the fuzz targets"
cargo fuzz build -s none -O

# One target fuzzes in one process on one core: the targets run side by side, as many at once as
# there are cores (FUZZ_JOBS), each still for SECONDS of its own. On this 2-core machine that
# took `make test`'s 5 x 30 s of fuzzing from 150 s to 90 s of wall time.
JOBS="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"

# Fuzzes one target; its output goes to target/fuzz-<target>.log, and a short report (the
# stats, or the failure with its replay command) to target/fuzz-<target>.report.
fuzz_one() {
  local target="$1" report="../target/fuzz-$1.report"
  local dict=()
  mkdir -p "corpus/$target"
  [ -f "$target.dict" ] && dict=("-dict=$target.dict")
  [ "$target" = forms ] && dict=("-dict=forms.dict")
  if ! cargo fuzz run -s none -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -print_final_stats=1 "${dict[@]}" \
    2>"../target/fuzz-$target.log"; then
    {
      echo "fuzz target $target failed; last lines of target/fuzz-$target.log:"
      tail -30 "../target/fuzz-$target.log"
      ls "artifacts/$target" 2>/dev/null || true
      echo "replay: RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O $target fuzz/artifacts/$target/<file> (in fuzz/)"
    } >"$report"
    return 1
  fi
  {
    echo "$target:"
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' "../target/fuzz-$target.log" || true
  } >"$report"
}

status=0
running=()
# Waits for the oldest running target and prints its report.
reap() {
  local pid="${running[0]%%:*}" target="${running[0]#*:}"
  running=("${running[@]:1}")
  wait "$pid" || status=1
  cat "../target/fuzz-$target.report" >&2
}
for target in "${TARGETS[@]}"; do
  [ ${#running[@]} -lt "$JOBS" ] || reap
  say "fuzzing $target for ${SECONDS_EACH}s"
  fuzz_one "$target" &
  running+=("$!:$target")
done
while [ ${#running[@]} -gt 0 ]; do reap; done
exit "$status"

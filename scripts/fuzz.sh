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

status=0
for target in "${TARGETS[@]}"; do
  say "fuzzing $target for ${SECONDS_EACH}s"
  mkdir -p "corpus/$target"
  dict=()
  [ -f "$target.dict" ] && dict=("-dict=$target.dict")
  [ "$target" = forms ] && dict=("-dict=forms.dict")
  if ! cargo fuzz run -s none -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -print_final_stats=1 "${dict[@]}" \
    2>"../target/fuzz-$target.log"; then
    status=1
    echo "fuzz target $target failed; last lines of target/fuzz-$target.log:" >&2
    tail -30 "../target/fuzz-$target.log" >&2
    ls "artifacts/$target" >&2 2>/dev/null || true
    echo "replay: RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O $target fuzz/artifacts/$target/<file> (in fuzz/)" >&2
  else
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' "../target/fuzz-$target.log" >&2 || true
  fi
done
exit "$status"

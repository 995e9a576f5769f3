#!/usr/bin/env bash
# Runs the fuzz targets (all, or those named) for SECONDS each, one after another, on
# one core: libFuzzer with the corpus of fuzz/corpus/TARGET, crashes to
# fuzz/artifacts/TARGET; then minimises each corpus back into the repository and
# appends what the run did to fuzz/runs.csv (the figures of RELIABILITY.md: seconds
# are the CPU time the fuzzer used: shorter than asked when a crash stops the target, or
# when it ran under `nice` beside other work and got less than its core).
#
#   fuzz/run.sh 600              # every target, 10 minutes each
#   fuzz/run.sh 3600 nmea dma    # two targets, an hour each
#   FUZZ_SANITIZER=address fuzz/run.sh 600   # under AddressSanitizer
#
# Needs the nightly toolchain, cargo-fuzz (`cargo install cargo-fuzz`) and GNU time
# (/usr/bin/time, Debian's package `time`) for the CPU seconds. The build
# goes outside the clone (FUZZ_TARGET_DIR, default ~/.cache/fleetwatch-fuzz/target,
# one directory per sanitizer).
set -euo pipefail
cd "$(dirname "$0")"
[ -x /usr/bin/time ] || { echo "fuzz/run.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi
sanitizer=${FUZZ_SANITIZER:-none}
target_dir=${FUZZ_TARGET_DIR:-$HOME/.cache/fleetwatch-fuzz/target}-$sanitizer
# By default no sanitizer: the crate forbids unsafe code; debug assertions (-a) catch
# overflows. AddressSanitizer (FUZZ_SANITIZER=address) also watches the unsafe code of
# the dependencies (Polars, Arrow, the compressors), at about half the speed.
# AddressSanitizer's shadow memory counts in the resident size, not in the allocations.
rss=2048
[ "$sanitizer" = none ] || rss=4096
cargo +nightly fuzz build --sanitizer "$sanitizer" -a --target-dir "$target_dir" >&2
bin="$target_dir/x86_64-unknown-linux-gnu/release"
[ -f runs.csv ] || echo "date,target,seconds,execs,corpus_before,corpus_after,crashes,commit,sanitizer" > runs.csv
commit=$(git rev-parse --short HEAD)
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    before=$(ls "corpus/$t" | wc -l)
    # Crashes, timeouts and out-of-memory inputs count; libFuzzer's slow-unit reports
    # (an input over 10 s of wall time, as when the machine is busy) do not.
    findings() { ls "artifacts/$t" | grep -cv '^slow-unit-' || true; }
    crashes_before=$(findings)
    log=$(mktemp)
    cpu=$(mktemp)
    # Inputs up to 64 KiB; 2 GB of memory and 10 s an input at most (a hang or an
    # allocation without bound is a finding, as a crash is).
    /usr/bin/time -f '%U %S' -o "$cpu" "$bin/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$seconds" \
        -max_len=65536 -rss_limit_mb="$rss" -malloc_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1 || true
    spent=$(awk 'END { printf "%d", $1 + $2 }' "$cpu")
    rm -f "$cpu"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    # Minimise: the smallest set of inputs with the same coverage, back in place.
    merged=$(mktemp -d)
    "$bin/$t" -merge=1 -max_len=65536 -timeout=10 -artifact_prefix="artifacts/$t/" "$merged" "corpus/$t" >/dev/null 2>&1 || true
    if [ "$(ls "$merged" | wc -l)" -gt 0 ]; then
        rm -f "corpus/$t"/*
        cp "$merged"/* "corpus/$t/"
    fi
    rm -rf "$merged"
    after=$(ls "corpus/$t" | wc -l)
    crashes=$(( $(findings) - crashes_before ))
    echo "$(date -u +%FT%TZ),$t,$spent,${execs:-0},$before,$after,$crashes,$commit,$sanitizer" >> runs.csv
    echo "$t: ${execs:-0} runs in $spent s, corpus $before -> $after, $crashes new crash(es)" >&2
    if [ "$crashes" -gt 0 ]; then
        grep -m3 -A12 'panicked\|ERROR: libFuzzer' "$log" >&2 || true
    fi
    rm -f "$log"
done

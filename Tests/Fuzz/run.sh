#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, swiftc -sanitize=fuzzer,address) of the parsers that read
# untrusted text: the control protocol's JSON parser and request/response decoders, and the
# configuration's cron, duration and at: parsers.
#
#   bash Tests/Fuzz/run.sh [SECONDS_PER_TARGET] [RESULTS_FILE]     (make fuzz; make bench runs it too)
#
# Each target is built from the sources themselves (one module with the harness, so internal
# parsers are reachable) into .build-fuzz/, seeded from Tests/Fuzz/seeds/ plus the corpus earlier
# runs grew in .build-fuzz/corpus-*, and run for SECONDS. One line per target goes to stdout and,
# as JSON, to RESULTS_FILE. Exit 1 when a target found a crash (its input is kept in .build-fuzz/).
set -euo pipefail

SECONDS_PER_TARGET=${1:-60}
RESULTS=${2:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT="$REPO/.build-fuzz"
SWIFTC=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
FLAGS=(-parse-as-library -O -sanitize=fuzzer,address -suppress-warnings)
mkdir -p "$OUT"

# MarketCalendar embeds its special-days CSV through SwiftPM's generated PackageResources; outside
# SwiftPM the same enum is written here from the file.
resources="$OUT/embedded_resources.swift"
python3 - "$REPO/Sources/MarketCalendar/Resources/nyse-special-days.csv" "$resources" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "w") as f:
    f.write("enum PackageResources {\n    static let nyse_special_days_csv: [UInt8] = [")
    f.write(",".join(str(b) for b in data))
    f.write("]\n}\n")
EOF

echo "fuzz: building the targets into $OUT ($("$SWIFTC" --version 2>&1 | head -1))"
: >"$OUT/build.log"
# ld.gold warns about every ASan helper symbol; the log keeps them, a failure shows the rest.
build() { "$@" >>"$OUT/build.log" 2>&1 || { grep -v "Cannot export local symbol" "$OUT/build.log" >&2; exit 1; }; }
S="$REPO/Sources"
build "$SWIFTC" "${FLAGS[@]}" -module-name ControlProtocol "$S"/ControlProtocol/*.swift "$HERE/FuzzControlProtocol.swift" \
  -o "$OUT/fuzz-control-protocol"
build "$SWIFTC" "${FLAGS[@]}" -emit-library -static -emit-module -emit-module-path "$OUT/MarketCalendar.swiftmodule" \
  -module-name MarketCalendar "$S"/MarketCalendar/*.swift "$resources" -o "$OUT/libMarketCalendar.a"
build "$SWIFTC" "${FLAGS[@]}" -module-name ScheduleSyntax -I "$OUT" -L "$OUT" -lMarketCalendar \
  "$S"/Scheduling/Cron/*.swift "$S"/Scheduling/Config/{DurationSyntax,AtSyntax,Suggestion}.swift \
  "$S"/Scheduling/Model/TaskConfig.swift "$HERE/FuzzScheduleSyntax.swift" -o "$OUT/fuzz-schedule-syntax"

status=0
for target in control-protocol:protocol:4096 schedule-syntax:schedule:256; do
  IFS=: read -r name seeds max_len <<<"$target"
  corpus="$OUT/corpus-$name"
  crashdir="$OUT/crashes-$name"
  mkdir -p "$corpus" "$crashdir"
  log="$OUT/fuzz-$name.log"
  # Inputs that crashed an earlier run are read first, with the seeds: one that still crashes is
  # found again at once; the count below is of this run's new crash files only.
  since="$OUT/.started-$name"
  touch "$since"
  set +e
  "$OUT/fuzz-$name" -max_total_time="$SECONDS_PER_TARGET" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$crashdir/" "$corpus" "$HERE/seeds/$seeds" "$crashdir" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  features=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  corpus_size=$(find "$corpus" -type f | wc -l)
  crashes=$(find "$crashdir" -type f -newer "$since" | wc -l)
  echo "fuzz $name: $runs inputs in ${SECONDS_PER_TARGET}s, coverage $cov edges ($features features), corpus $corpus_size, crashes $crashes (exit $rc; log $log)"
  if [ -n "$RESULTS" ]; then
    printf '{"target":"%s","seconds":%s,"runs":%s,"cov":%s,"features":%s,"corpus":%s,"crashes":%s,"exit":%s}\n' \
      "$name" "$SECONDS_PER_TARGET" "$runs" "$cov" "$features" "$corpus_size" "$crashes" "$rc" >>"$RESULTS"
  fi
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    echo "fuzz $name: FOUND A CRASH: see $log and $crashdir/ (reproduce: $OUT/fuzz-$name FILE)" >&2
    status=1
  fi
done
exit $status

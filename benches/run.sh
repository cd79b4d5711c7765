#!/usr/bin/env bash
# Benchmark of the history engine (DESIGN section 8), in one run per history:
#   - the floor: `git log --no-merges --name-only` over the whole history;
#   - `git incident hotspots` cold (cache removed) and warm (cache present);
#   - `git incident check` on a commit touching about 20 files, without a cache.
# CPU time is user+sys of the process and its children (git included), from /usr/bin/time;
# peak RSS is the largest of them.
#
# Usage: benches/run.sh [HISTORY_DIR...]   (default: /work/histories/{ripgrep,tokio,git})
# The histories are copied once into $BENCH_DIR (default /tmp/git-incident-bench) so the
# originals are never written to (the cache lives in .git/incident-cache).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="$CARGO_TARGET_DIR/release/git-incident"
bench_dir="${BENCH_DIR:-/tmp/git-incident-bench}"
mkdir -p "$bench_dir"
if [ $# -eq 0 ]; then set -- /work/histories/ripgrep /work/histories/tokio /work/histories/git; fi

# measure LABEL CMD...: prints "cpu_seconds peak_mb"
measure() {
  local out
  out=$( { /usr/bin/time -f "%U %S %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
  awk '{printf "%.2f %.0f\n", $1 + $2, $3 / 1024}' <<<"$out"
}

printf "| history | commits | git log CPU s | cold CPU s | cold/git | warm CPU s | warm/git | check 20 files s | peak RSS MB (git log / cold / warm / check) |\n"
printf "|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
for src in "$@"; do
  name="$(basename "$src")"
  repo="$bench_dir/$name"
  [ -d "$repo" ] || cp -a "$src" "$repo"
  cd "$repo"
  commits=$(git rev-list --count HEAD)
  # A commit touching close to 20 files, for check.
  pr=$(git log --no-merges --format='%H' --shortstat -n 3000 | awk '/^[0-9a-f]{40}$/{id=$0} / files? changed/{if ($1>=15 && $1<=25) {print id; exit}}')
  # Warm the OS page cache so the first measurement is not a disk read.
  git log --no-merges --name-only >/dev/null
  read -r git_cpu git_mb < <(measure git log --no-merges --name-only)
  rm -rf .git/incident-cache
  read -r cold_cpu cold_mb < <(measure "$bin" hotspots --quiet)
  read -r warm_cpu warm_mb < <(measure "$bin" hotspots --quiet)
  rm -rf .git/incident-cache
  if [ -n "$pr" ]; then
    read -r check_cpu check_mb < <(measure "$bin" check --quiet --base "$pr~1" --head "$pr")
  else
    check_cpu="-"; check_mb="-"
  fi
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s |\n" \
    "$name" "$commits" "$git_cpu" "$cold_cpu" \
    "$(awk -v a="$cold_cpu" -v b="$git_cpu" 'BEGIN{printf "%.2f", a/b}')" \
    "$warm_cpu" "$(awk -v a="$warm_cpu" -v b="$git_cpu" 'BEGIN{printf "%.3f", a/b}')" \
    "$check_cpu" "$git_mb" "$cold_mb" "$warm_mb" "$check_mb"
done

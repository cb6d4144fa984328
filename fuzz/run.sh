#!/bin/sh
# Usage: fuzz/run.sh [SECONDS [TARGET...]]
# Runs each fuzz target (default: all) for SECONDS seconds (default 600),
# one after another on one core, and prints its executions and crashes.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain it
# runs with RUSTC_BOOTSTRAP=1. Run from the repository root or from fuzz/.
set -u
secs=${1:-600}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")" || exit 1
targets="table_loader journal_loader import_mapper date_parser club_toml"
[ $# -gt 0 ] && targets="$*"
export RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1}
cargo fuzz build || exit 1
# A first corpus from the sample club, so the runs start from real files.
seed() {
    c="corpus/$1"
    [ -n "$(ls -A "$c")" ] && return
    case $1 in
    table_loader)
        for f in members cards staff events registrations; do
            [ -f "../data/$f.csv" ] && head -c 4000 "../data/$f.csv" >"$c/$f.csv"
        done ;;
    journal_loader)
        for f in ledger audit; do
            [ -f "../data/$f.csv" ] && head -c 4000 "../data/$f.csv" >"$c/$f.csv"
        done ;;
    import_mapper)
        printf '姓名,手机,生日,卡号,积分,余额\n张三,13800138000,1990/3/5,VIP000123,120,88.50\n' >"$c/zh.csv"
        printf 'name,phone,joined\nLi Lei,13912345678,45000\n' >"$c/en.csv" ;;
    date_parser)
        for d in 2026-11-25 2024/3/5 2024.3.5 2024年3月5日 20240305 45000 128.50; do
            printf '%s' "$d" >"$c/$(printf '%s' "$d" | cksum | cut -d' ' -f1)"
        done ;;
    club_toml)
        cp ../src/app/club.default.toml "$c/" ;;
    esac
}

status=0
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t"
    seed "$t"
    log="artifacts/$t.log"
    cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -jobs=1 -workers=1 \
        -artifact_prefix="artifacts/$t/" >"$log" 2>&1
    rc=$?
    # With -jobs, libFuzzer's own output goes to fuzz-0.log.
    [ -f fuzz-0.log ] && cat fuzz-0.log >>"$log" && rm -f fuzz-0.log
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1)
    [ -z "$runs" ] && runs=$(grep -o '#[0-9]*' "$log" | tail -n 1)
    crashes=$(find "artifacts/$t" -type f | wc -l)
    echo "$t: ${runs:-no run recorded}, exit $rc, $crashes crash file(s)"
    [ "$rc" -ne 0 ] && status=1
done
exit $status

#!/usr/bin/env bash
#! Compares two fiscalform binaries over the same inputs: `check --format json`, `export` and
#! `explain --format json` must be byte-identical, the workbook `fix` writes must have identical
#! content (every part of the .xlsx but its creation time; data validations compared by the cells
#! each rule covers, see tests/xlsx_content.py). Used to show that a restructuring
#! changed no behaviour.
#!
#! Usage: tests/compare_outputs.sh BEFORE AFTER [INPUT_DIR_OR_FILE...]
#! Without inputs: every workbook, PDF and Word file under tests/fixtures, plus the variants the
#! test suite wrote under target/tmp (run the suite once before, with either binary).
#! Exit code: 0 all identical; 1 some output differs (listed); 2 wrong usage.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 BEFORE AFTER [INPUT_DIR_OR_FILE...]" >&2
    exit 2
fi
before=$(realpath "$1")
after=$(realpath "$2")
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    set -- "$root/tests/fixtures"
    [ -d "$root/target/tmp" ] && set -- "$@" "$root/target/tmp"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The inputs are copied first: the tests may rewrite target/tmp while this runs, and fix must
# not write beside the originals. A file whose bytes were already seen is run once.
list="$work/inputs.txt"
n=0
find "$@" -type f \( -name '*.xlsx' -o -name '*.xls' -o -name '*.ods' -o -name '*.pdf' \
    -o -name '*.docx' \) -print0 | sort -z | xargs -0 -r md5sum | sort -s -k1,1 -u |
    while read -r _ f; do
    n=$((n + 1))
    ext="${f##*.}"
    mkdir -p "$work/in/$n"
    cp "$f" "$work/in/$n/input.$ext"
    printf '%s\t%s\n' "$n" "$f" >>"$list"
done
[ -s "$list" ] || { echo "no inputs found" >&2; exit 2; }

# One input through one binary: the outputs that must agree, in $work/<side>/<n>/.
run_one() {
    local bin=$1 side=$2 n=$3
    local in out
    in=$(ls "$work/in/$n"/input.*)
    out="$work/$side/$n"
    mkdir -p "$out"
    "$bin" check --format json "$in" >"$out/check.json" 2>"$out/check.err"
    echo "check exit $?" >"$out/codes"
    "$bin" export "$in" -o "$out/export.json" >/dev/null 2>"$out/export.err"
    echo "export exit $?" >>"$out/codes"
    "$bin" fix "$in" -o "$out/fixed.xlsx" >"$out/fix.out" 2>"$out/fix.err"
    echo "fix exit $?" >>"$out/codes"
    "$bin" explain --format json "$in" >"$out/explain.json" 2>"$out/explain.err"
    echo "explain exit $?" >>"$out/codes"
    # The content of the written workbook: every part but docProps/core.xml (its time), the
    # data validations as the cells each rule covers (tests/xlsx_content.py).
    if [ -f "$out/fixed.xlsx" ]; then
        python3 "$root/tests/xlsx_content.py" "$out/fixed.xlsx" >"$out/fixed.content"
        rm "$out/fixed.xlsx"
    fi
    # The messages name the scratch directory of this side: make them comparable.
    sed -i "s#$work/$side/$n#OUT#g" "$out/fix.out" "$out/fix.err" "$out/export.err"
}
export -f run_one
export work before after root

cut -f1 "$list" | xargs -P 2 -I{} bash -c 'run_one "$before" before {} && run_one "$after" after {}'

differ=0
while IFS=$'\t' read -r n f; do
    for part in codes check.json check.err export.json export.err fix.out fix.err fixed.content explain.json explain.err; do
        a="$work/before/$n/$part"
        b="$work/after/$n/$part"
        if [ -e "$a" ] || [ -e "$b" ]; then
            if ! cmp -s "$a" "$b"; then
                echo "DIFFERS: $part of $f"
                differ=$((differ + 1))
            fi
        fi
    done
done <"$list"
total=$(wc -l <"$list")
if [ "$differ" -eq 0 ]; then
    echo "identical: $total inputs (check --format json, export, fix, explain --format json)"
    exit 0
fi
echo "$differ outputs differ over $total inputs"
exit 1

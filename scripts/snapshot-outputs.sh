#!/usr/bin/env bash
#! Records what a release binary makes of every workbook under a folder, so that two builds can
#! be compared before and after a refactoring that must not change behaviour.
#
# Usage: scripts/snapshot-outputs.sh BINARY INPUT_DIR OUTPUT_DIR
#   then: diff -r OUTPUT_DIR_BEFORE OUTPUT_DIR_AFTER
# For each input file F it writes OUTPUT_DIR/<path of F>/ with: check.json (check --format
# json), export.json, explain.txt, explain.json, rules.txt and the parts of the corrected
# workbook written by fix (the XML of every sheet, strings, comments and styles, unzipped; the
# document properties, which hold the time of writing, are left out). Each file also gets the
# exit code of each command.
set -u
bin=$(realpath "$1")
in=$(realpath "$2")
out=$(realpath -m "$3")
mkdir -p "$out"
one() {
    local bin=$1 in=$2 out=$3 f=$4
    local rel=${f#"$in"/}
    local d="$out/$rel"
    mkdir -p "$d"
    {
        "$bin" check --format json "$f" >"$d/check.json" 2>"$d/check.err"; echo "check $?"
        "$bin" export "$f" -o - >"$d/export.json" 2>"$d/export.err"; echo "export $?"
        "$bin" explain "$f" >"$d/explain.txt" 2>&1; echo "explain $?"
        "$bin" explain --format json "$f" >"$d/explain.json" 2>&1; echo "explain-json $?"
        "$bin" rules "$f" >"$d/rules.txt" 2>&1; echo "rules $?"
        # The same path in every run: fix names the file it wrote.
        local tmp="${TMPDIR:-/tmp}/snapshot-fix/$rel"
        rm -rf "$tmp" && mkdir -p "$tmp"
        "$bin" fix "$f" -o "$tmp/fixed.xlsx" >"$d/fix.txt" 2>&1; echo "fix $?"
        if [ -f "$tmp/fixed.xlsx" ]; then
            mkdir -p "$d/fixed"
            (cd "$d/fixed" && unzip -qo "$tmp/fixed.xlsx" -x 'docProps/*')
        fi
        rm -rf "$tmp"
    } >"$d/codes.txt"
}
export -f one
find "$in" -type f \( -name '*.xlsx' -o -name '*.xls' -o -name '*.ods' -o -name '*.pdf' -o -name '*.docx' \) -print0 |
    xargs -0 -P 2 -I{} bash -c 'one "$@"' _ "$bin" "$in" "$out" {}

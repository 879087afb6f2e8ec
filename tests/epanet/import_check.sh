#!/bin/sh
# import_check.sh DHSIM NET.inp OUTDIR: `dhsim import epanet` then `dhsim check` on the case;
# passes when both exit 0 and the import listed what it did not import.
set -u
dhsim=$1 inp=$2 dir=$3
mkdir -p "$dir"
case_file="$dir/$(basename "$inp" .inp).yaml"
err=$("$dhsim" import epanet "$inp" -o "$case_file" 2>&1) || { printf 'import failed:\n%s\n' "$err"; exit 1; }
case $err in *"dhsim import: "*"items not imported"*) ;; *) printf 'no summary:\n%s\n' "$err"; exit 1 ;; esac
out=$("$dhsim" check "$case_file" 2>&1) || { printf 'check failed:\n%s\n' "$out"; exit 1; }
exit 0

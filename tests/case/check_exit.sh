#!/bin/sh
# check_exit.sh DHSIM RC TEXT ARGS...: runs DHSIM ARGS..., passes when the exit status is RC and
# the output (stdout + stderr) contains the line fragment TEXT. Used by tests/case/meson.build.
dhsim=$1 rc=$2 text=$3
shift 3
out=$("$dhsim" "$@" 2>&1)
got=$?
if [ "$got" != "$rc" ]; then
    printf 'expected exit %s, got %s; output:\n%s\n' "$rc" "$got" "$out"
    exit 1
fi
case $out in
*"$text"*) exit 0 ;;
esac
printf 'output lacks: %s\noutput:\n%s\n' "$text" "$out"
exit 1

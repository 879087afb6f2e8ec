#!/bin/sh
# cli_props.sh: end-to-end test of `dhsim props` (suite 'e2e'). $1 = path of the dhsim binary.
# Checks the JSON of known states (IF97 Table 5: p = 3 MPa, T = 300 K, h = 115.331273 kJ/kg;
# IF97 Table 36: Tsat(1 MPa) = 453.035632 K) and exit status 2 with a message on bad input.
set -u
DHSIM="$1"
fail=0
check() { # name, expected substring, output
    case "$3" in
    *"$2"*) echo "ok: $1" ;;
    *) echo "FAIL: $1: '$2' not in output:"; echo "$3"; fail=1 ;;
    esac
}
out=$("$DHSIM" props --p 3e6 --T 300) || { echo "FAIL: exit status $?"; fail=1; }
check "region 1" '"region": 1' "$out"
check "h Table 5" '"h_J_kg": 115331.27' "$out"
check "v Table 5" '"v_m3_kg": 0.0010021516' "$out"
check "JSON keys" '"lambda_W_mK":' "$out"
out=$("$DHSIM" props --p "3 MPa" --T "26.85 degC") || { echo "FAIL: units exit $?"; fail=1; }
check "units MPa/degC" '"h_J_kg": 115331.27' "$out"
out=$("$DHSIM" props --p "10 bar" --x 0.5) || { echo "FAIL: --x exit $?"; fail=1; }
check "two-phase region" '"region": 4' "$out"
check "Tsat Table 36" '"T_K": 453.035632' "$out"
check "cp null in two-phase" '"cp_J_kgK": null' "$out"
out=$("$DHSIM" props --p "0.98 MPa" --h "2800 kJ/kg") || { echo "FAIL: --h exit $?"; fail=1; }
check "steam region 2" '"region": 2' "$out"
"$DHSIM" props --p 1.2e8 --T 500 >/dev/null 2>/tmp/dhsim_props_err.$$; rc=$?
[ "$rc" -eq 2 ] && echo "ok: out of range exits 2" || { echo "FAIL: out of range exit $rc"; fail=1; }
check "range message" "p = 1.2e+08 Pa, T = 500 K is outside IAPWS-IF97" "$(cat /tmp/dhsim_props_err.$$)"
"$DHSIM" props --p "3 blorps" --T 300 >/dev/null 2>/tmp/dhsim_props_err.$$; rc=$?
[ "$rc" -eq 2 ] && echo "ok: bad unit exits 2" || { echo "FAIL: bad unit exit $rc"; fail=1; }
check "unit message" "unknown unit 'blorps'" "$(cat /tmp/dhsim_props_err.$$)"
# gauge pressure through the case files' unit module: 8.8 bar(g) + 101325 Pa = 981325 Pa
check "gauge pressure" '"p_Pa": 981325,' "$("$DHSIM" props --p "8.8 barg" --x 1)"
"$DHSIM" props --p "1 kg" --T 300 >/dev/null 2>/tmp/dhsim_props_err.$$; rc=$?
[ "$rc" -eq 2 ] && echo "ok: wrong dimension exits 2" || { echo "FAIL: wrong dimension exit $rc"; fail=1; }
check "dimension message" "expected a pressure" "$(cat /tmp/dhsim_props_err.$$)"
"$DHSIM" props --p 1e6 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && echo "ok: missing argument exits 2" || { echo "FAIL: usage exit $rc"; fail=1; }
rm -f /tmp/dhsim_props_err.$$
exit $fail

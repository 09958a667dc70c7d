#!/usr/bin/env bash
# Validates the B2BUA SIPp scenario pairs without Tandem: each caller scenario (uac-*.xml) runs straight against its
# callee scenario (uas-*.xml), SIPp to SIPp, with -key b2bua 0, which switches off the checks that only a B2BUA in
# the middle can satisfy (topology hiding, the Reason header Tandem adds). Prints PASS/FAIL per pair and exits 1 if
# any pair fails. Every SIPp run is bounded (-timeout), and the callee is killed if it outlives its bound.
#
# A last "control" run plays uac-basic against uas-basic with -key b2bua 1: it must FAIL (the callee sees the
# caller's Call-ID, tags and Contact), which shows the hiding checks are live.
#
# Usage: test/interop/sipp/validate-scenarios.sh [pair ...]      (default: all pairs)
#        KEEP_LOGS=1 keeps the SIPp logs of every run (they are always kept for a failed run).
set -u

DIR=$(cd "$(dirname "$0")" && pwd)
SIPP=${SIPP:-sipp}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tandem-sipp-validate.XXXXXX")
FAILED=0
KEEP=${KEEP_LOGS:-0}

# A port free on 127.0.0.1 for UDP and TCP (SIPp binds both), as test/support/sipp.ts freePort() does.
free_port() {
  node -e '
    const net = require("node:net"), dgram = require("node:dgram");
    (async () => {
      for (let i = 0; i < 20; i++) {
        const tcp = net.createServer();
        const port = await new Promise((r, j) => { tcp.once("error", j); tcp.listen(0, "127.0.0.1", () => r(tcp.address().port)); });
        const udp = dgram.createSocket("udp4");
        const ok = await new Promise((r) => { udp.once("error", () => r(false)); udp.bind(port, "127.0.0.1", () => r(true)); });
        await new Promise((r) => tcp.close(r));
        if (ok) { udp.close(); console.log(port); return; }
      }
      process.exit(1);
    })();'
}

# What SIPp wrote to its error file, minus events that are not failures: the glare scenarios use receive timeouts as
# timers and SIPp logs each one. SIPp does not end an event with a newline, so split before each timestamp first.
unexpected_errors() {
  [ -f "$1" ] || return 0
  sed -E 's/([0-9]{4}-[0-9]{2}-[0-9]{2}[[:blank:]][0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+[[:blank:]])/\n\1/g' "$1" |
    grep -v -e '^The following events occurred:' -e 'receive timeout on message .*jumping to label [0-9]*$' \
      -e '^[[:space:]]*$' || true
}

# run_pair <label> <pair> <calls> <timeout-s> <caller -d ms> <callee -d ms> <b2bua 0|1> [extra SIPp args for both]
run_pair() {
  local label=$1 pair=$2 calls=$3 timeout=$4 caller_d=$5 callee_d=$6 b2bua=$7
  shift 7
  local out="$WORK/$label"
  mkdir -p "$out"
  local uas_port uac_port
  uas_port=$(free_port) && uac_port=$(free_port) || { echo "FAIL $label (no free port)"; return 1; }

  "$SIPP" -sf "$DIR/uas-$pair.xml" -i 127.0.0.1 -p "$uas_port" -m "$calls" -d "$callee_d" \
    -timeout "$((timeout + 10))s" -timeout_error -nostdin -trace_err -error_file "$out/uas-errors.log" \
    -trace_msg -message_file "$out/uas-messages.log" -key b2bua "$b2bua" "$@" >"$out/uas.out" 2>&1 &
  local uas_pid=$!
  sleep 0.3

  "$SIPP" -sf "$DIR/uac-$pair.xml" -i 127.0.0.1 -p "$uac_port" -m "$calls" -r 10 -d "$caller_d" \
    -timeout "${timeout}s" -timeout_error -nostdin -trace_err -error_file "$out/uac-errors.log" \
    -trace_msg -message_file "$out/uac-messages.log" -cid_str 'caller-%u-%p@uac.invalid' -key b2bua "$b2bua" \
    "$@" "127.0.0.1:$uas_port" >"$out/uac.out" 2>&1
  local uac_rc=$?

  # The callee ends by itself after its last call and timewait; bound the wait anyway.
  local waited=0
  while kill -0 "$uas_pid" 2>/dev/null && [ "$waited" -lt $((timeout + 15)) ]; do sleep 1; waited=$((waited + 1)); done
  kill "$uas_pid" 2>/dev/null
  wait "$uas_pid"
  local uas_rc=$?

  local errs
  errs="$(unexpected_errors "$out/uac-errors.log")$(unexpected_errors "$out/uas-errors.log")"
  if [ "$uac_rc" -eq 0 ] && [ "$uas_rc" -eq 0 ] && [ -z "$errs" ]; then
    [ "$KEEP" = 1 ] || rm -rf "$out"
    return 0
  fi
  echo "      caller exit $uac_rc, callee exit $uas_rc; logs in $out" >&2
  printf '%s\n' "$errs" | head -n 12 | sed 's/^/      /' >&2
  return 1
}

report() { # report <label> <description> <run_pair result>
  if [ "$3" -eq 0 ]; then echo "PASS $1 — $2"; else echo "FAIL $1 — $2"; FAILED=1; fi
}

want() { local p; for p in "${PAIRS[@]}"; do [ "$p" = "$1" ] && return 0; done; [ "${#PAIRS[@]}" -eq 0 ]; }
PAIRS=("$@")

#            label             pair              calls timeout caller-d callee-d b2bua extra
want basic            && { run_pair basic            basic            3 30 500 1000 0; report basic "basic call, caller hangs up" $?; }
want callee-bye       && { run_pair callee-bye       callee-bye       3 30 500 1000 0; report callee-bye "callee hangs up" $?; }
want cancel           && { run_pair cancel           cancel           3 30 500 1000 0; report cancel "CANCEL while ringing (200 + 487, ACK)" $?; }
want busy             && { run_pair busy             busy             3 30 500 1000 0; report busy "486 busy (Reason check needs Tandem: off here)" $?; }
want hold             && { run_pair hold             hold             2 30 500 1000 0; report hold "re-INVITE hold (sendonly/recvonly) and resume" $?; }
want late-offer       && { run_pair late-offer       late-offer       3 30 500 1000 0; report late-offer "late offer: offer in 200, answer in ACK" $?; }
want prack            && { run_pair prack            prack            3 30 500 1000 0; report prack "183 with 100rel, PRACK/RAck" $?; }
want update           && { run_pair update           update           3 30 500 1000 0; report update "UPDATE with SDP in the confirmed dialog" $?; }
want options-indialog && { run_pair options-indialog options-indialog 3 30 500 1000 0; report options-indialog "OPTIONS inside the dialog" $?; }
want fork             && { run_pair fork             fork             3 30 500 1000 0; report fork "two early dialogs (183 tag A, 183 tag B), 200 from B" $?; }
want glare            && { run_pair glare            glare            3 40 500 1000 0; report glare "re-INVITE glare, 491 and retry" $?; }
want tcp              && { run_pair tcp              basic            3 30 500 0    0 -t t1; report tcp "basic call over TCP (direct: both sides TCP; via Tandem the callee stays UDP)" $?; }
want loss             && { run_pair loss             basic            20 60 4000 4000 0 -lost 5; report loss "basic call, 20 calls, -lost 5 on both sides" $?; }
if want control; then
  run_pair control basic 1 15 500 500 1 2>/dev/null
  if [ $? -ne 0 ] && grep -q 'Regexp matched but should not' "$WORK/control/uas-errors.log" 2>/dev/null; then
    echo "PASS control — hiding checks live: with -key b2bua 1 and no B2BUA the callee flags the caller's identifiers"
  else
    echo "FAIL control — with -key b2bua 1 and no B2BUA the callee should have failed on the hiding check"; FAILED=1
  fi
fi

[ "$KEEP" = 1 ] || [ "$FAILED" = 1 ] || rm -rf "$WORK"
exit "$FAILED"

#!/usr/bin/env bash
# Lost-executor trials on a loopback standalone cluster (Master + 2 Workers as separate JVMs, jobs
# through SparkSubmit with the spark-submit jar): runs ClusterTrialTest with N trials per kill
# scenario and prints the counts.
#
#   bin/trials/executor-kills.sh [N] [SEED]     (default N=10, SEED=20261206)
#
# Scenarios: kill -9 of one executor JVM at a random moment (up to 1.5 s) after consensus enters
# its EM step; kill -9 of one executor after ingest starts writing bronze (even trials) or silver
# (odd trials); both must end with exit 0 and the same rows as local mode. Then every worker
# killed during consensus: exit 1, no table changed, and a rerun gives the same rows.
# A loaded host needs a longer per-job limit: ANNOLAKE_TRIAL_JOB_MINUTES (default 30).
# Output: one line "cluster trials: {...}" with landed kills / runs with the same rows / trials.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-10}"
SEED="${2:-20261206}"
"$HERE/bin/annolake" build >/dev/null
log="$(mktemp -t annolake-executor-kills.XXXXXX.log)"
set +e
(cd "$HERE" && mvn -B -o -ntp -Ptrials -pl jobs -am -Dtest=ClusterTrialTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dannolake.trials.kills="$N" -Dannolake.trials.seed="$SEED" -Dannolake.trials.job-timeout-minutes="${ANNOLAKE_TRIAL_JOB_MINUTES:-30}" test) >"$log" 2>&1
code=$?
set -e
grep -h "cluster trials:" "$log" "$HERE"/jobs/target/surefire-reports/*ClusterTrialTest*-output.txt 2>/dev/null | tail -1 || true
grep -E "Tests run:|FAIL" "$log" | tail -3
echo "full log: $log (exit $code)"
exit "$code"

#!/usr/bin/env bash
# Executes the notebooks headless on a lakehouse and fails on any error (each notebook ends in
# assertions on its own results). Installs two kernels under notebooks/target/jupyter (nothing
# outside the repository): a Java kernel (rapaio-jupyter-kernel from Maven Central, on Java 17
# with Spark's --add-opens flags) and Debian's Python 3 with ipykernel. Executed copies go to
# notebooks/target/executed/ (kept by CI as artifacts).
#
# Environment:
#   ANNOLAKE_LAKEHOUSE  lakehouse to read (default: ./lakehouse of the current folder)
#   ANNOLAKE_LANDING    landing folder of the same operation (`demo --landing DIR`), for items/ features
#                       (default: ./landing of the current folder)
#   JAVA_HOME           Java 17 (default: java on PATH)
#   NOTEBOOKS           notebooks to run, in order (default: all three)
# Needs: jupyter-nbconvert, python3-ipykernel, python3-pandas, python3-matplotlib, python3-sklearn.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
TARGET="$HERE/target"
KERNEL_VERSION="3.0.1"
JFREECHART_VERSION="1.5.5"

if [[ ! -d "${ANNOLAKE_LAKEHOUSE:-lakehouse}" ]]; then
  echo "notebooks: no lakehouse at '${ANNOLAKE_LAKEHOUSE:-lakehouse}' (set ANNOLAKE_LAKEHOUSE; bin/annolake demo makes one)" >&2
  exit 2
fi
export ANNOLAKE_LAKEHOUSE="$(realpath "${ANNOLAKE_LAKEHOUSE:-lakehouse}")"
export ANNOLAKE_LANDING="$(realpath -m "${ANNOLAKE_LANDING:-landing}")"
export ANNOLAKE_SNAPSHOT="$TARGET/snapshots/final-labels"

# The annolake jars the Java notebooks load (bin/annolake builds them when missing or stale).
"$REPO/bin/annolake" --version >/dev/null

# The Java kernel and the charting library, from Maven Central, once.
mkdir -p "$TARGET/lib"
fetch() {
  if [[ ! -f "$TARGET/lib/$2-$3.jar" ]]; then
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="$1:$2:$3" -DoutputDirectory="$TARGET/lib" -Dmdep.overWriteIfNewer=true
  fi
}
fetch io.github.padreati rapaio-jupyter-kernel "$KERNEL_VERSION"
fetch org.jfree jfreechart "$JFREECHART_VERSION"

JAVA="java"
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; fi
export JUPYTER_PATH="$TARGET/jupyter"
mkdir -p "$JUPYTER_PATH/kernels/annolake-java" "$JUPYTER_PATH/kernels/annolake-python"
/usr/bin/python3 - "$JAVA" "$TARGET/lib/rapaio-jupyter-kernel-$KERNEL_VERSION.jar" "$JUPYTER_PATH/kernels" <<'PY'
import json, sys
java, jar, kernels = sys.argv[1:4]
opens = ["java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
         "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
         "sun.security.action", "sun.util.calendar"]
flags = ["--add-opens=java.base/%s=ALL-UNNAMED" % p for p in opens]
flags += ["-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true", "-Xmx4g"]
# The notebook's JShell runs in the kernel's JVM: it needs the same flags as any Spark driver.
java_spec = {"argv": [java] + flags + ["-jar", jar, "{connection_file}"],
             "display_name": "Java 17 (annolake)", "language": "java", "interrupt_mode": "message"}
python_spec = {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
               "display_name": "Python 3 (Debian)", "language": "python"}
for name, spec in (("annolake-java", java_spec), ("annolake-python", python_spec)):
    with open("%s/%s/kernel.json" % (kernels, name), "w") as f:
        json.dump(spec, f, indent=1)
PY

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
rm -rf "$TARGET/executed"
mkdir -p "$TARGET/executed"
failed=()
# With --allow-errors nbconvert itself fails only when the kernel does: the Java kernel can lose a
# request sent while it is still starting (its shell thread dies; seen on a loaded host and on a
# fresh machine's first kernel, whose channels were bound within a second and which then never
# answered), so a kernel failure is tried again, twice at most. A healthy kernel answers within
# seconds: waiting 120 s for it, not 300 s, makes a lost request cost two minutes, not five.
execute() {
  local attempt
  for attempt in 1 2 3; do
    if jupyter-nbconvert --to notebook --execute --allow-errors --ExecutePreprocessor.timeout=600 \
        --ExecutePreprocessor.startup_timeout=120 --output-dir "$TARGET/executed" "$HERE/$1.ipynb"; then
      return 0
    fi
    echo "notebooks: $1.ipynb: the kernel failed (attempt $attempt)" >&2
  done
  return 1
}
for nb in ${NOTEBOOKS:-final-labels quality-review train-from-snapshot}; do
  started=$SECONDS
  echo "notebooks: executing $nb.ipynb" >&2
  # The kernel starts in notebooks/, so the notebooks' relative paths (../jobs/target) hold. Errors
  # are kept in the executed copy (the artifact to read) and looked for after.
  if execute "$nb" &&
    /usr/bin/python3 - "$TARGET/executed/$nb.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
for e in errors:
    sys.stderr.write("%s: %s\n%s\n" % (e.get("ename"), e.get("evalue"), "\n".join(e.get("traceback", []))))
sys.exit(1 if errors else 0)
PY
  then
    echo "notebooks: $nb.ipynb passed in $((SECONDS - started)) s" >&2
  else
    echo "notebooks: $nb.ipynb FAILED after $((SECONDS - started)) s (executed copy: $TARGET/executed/$nb.ipynb)" >&2
    failed+=("$nb")
  fi
done
if ((${#failed[@]})); then
  echo "notebooks: failed: ${failed[*]}" >&2
  exit 1
fi
echo "notebooks: all passed; executed copies in $TARGET/executed" >&2

#!/usr/bin/env bash
# Proves the images run: unpacks each Jib tarball's layers, in order, into a root filesystem and runs
# the image's own entrypoint there (chroot, as the image's user, with only the image's environment):
# the CLI image answers --version, the processor image starts and refuses a bad configuration (exit 2,
# "bad configuration": the classpath, the JRE and the main class all work without Kafka), and the image
# user is the non-root 65532. Needs root (chroot, mount) and python3 (to read the image config).
#
#   deploy/images/verify-images.sh      after: mvn -Pimage -Dimage.base=local package -DskipTests -pl stream-processor,cli -am
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "verify-images.sh: needs root (chroot)" >&2; exit 1; }
WORK=$(mktemp -d)
cleanup() { for m in "$WORK"/*/root/proc; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done; rm -rf "$WORK"; }
trap cleanup EXIT
failures=0

# image tarball, name -> unpacked root in $WORK/name/root; prints "USER|ENV...|ENTRYPOINT..." fields
unpack() {
  local tarball=$1 name=$2 dir=$WORK/$2
  mkdir -p "$dir/img" "$dir/root"
  tar -xf "$tarball" -C "$dir/img"
  python3 - "$dir/img" > "$dir/layers" <<'PY'
import json, sys
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))[0]
print("\n".join(d + "/" + l for l in m["Layers"]))
PY
  while read -r layer; do tar -xf "$layer" -C "$dir/root"; done < "$dir/layers"
  mkdir -p "$dir/root/proc" && mount -t proc proc "$dir/root/proc"
}

# name, then the args after the entrypoint; runs it as the image's user with the image's environment
run() {
  local name=$1; shift
  local dir=$WORK/$name
  python3 - "$dir/img" "$@" > "$dir/command" <<'PY'
import json, sys, shlex
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))[0]
c = json.load(open(d + "/" + m["Config"]))["config"]
print(c.get("User", "0:0"))
print(" ".join(shlex.quote(e) for e in c.get("Env", [])))
print(" ".join(shlex.quote(a) for a in c.get("Entrypoint", []) + sys.argv[2:]))
PY
  local user env command
  user=$(sed -n 1p "$dir/command"); env=$(sed -n 2p "$dir/command"); command=$(sed -n 3p "$dir/command")
  eval "chroot --userspec=$user $dir/root /usr/bin/env -i $env ${EXTRA_ENV:-} $command"
}

check() { # description, expected, actual
  if [ "$2" = "$3" ]; then echo "PASS $1"; else echo "FAIL $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

unpack "$ROOT/cli/target/jib-image.tar" cli
check "cli image user" "65532:65532" "$(sed -n 1p <(python3 -c "import json,sys;d='$WORK/cli/img';m=json.load(open(d+'/manifest.json'))[0];print(json.load(open(d+'/'+m['Config']))['config']['User'])"))"
version=$(run cli --version 2>&1 | tail -1)
check "cli image: agentmeter --version" "agentmeter 0.1.0-SNAPSHOT" "$version"
check "cli image runs as" "65532" "$(chroot --userspec=65532:65532 "$WORK/cli/root" /usr/bin/id -u)"

unpack "$ROOT/stream-processor/target/jib-image.tar" processor
set +e
out=$(EXTRA_ENV="AGENTMETER_HTTP_BIND_ADDRESS=0.0.0.0" run processor 2>&1)
code=$?
set -e
check "processor image: exit code on a bad configuration" "2" "$code"
check "processor image: names the key" "yes" "$(grep -q 'bad configuration.*http.bind.address' <<< "$out" && echo yes || echo "no: $out")"
java=$(chroot --userspec=65532:65532 "$WORK/processor/root" /usr/bin/java -version 2>&1 | head -1)
check "processor image: Debian's JRE 17" "yes" "$(grep -q 'openjdk version "17' <<< "$java" && echo yes || echo "no: $java")"

if [ -f "$ROOT/sink-connector/target/jib-image.tar" ]; then
  unpack "$ROOT/sink-connector/target/jib-image.tar" connect
  check "connect image user" "65532:65532" "$(python3 -c "import json;d='$WORK/connect/img';m=json.load(open(d+'/manifest.json'))[0];print(json.load(open(d+'/'+m['Config']))['config']['User'])")"
  check "connect image: the sink plugin on plugin.path" "yes" \
    "$(ls "$WORK/connect/root/opt/kafka/plugins/agentmeter-sink-connector/lib/"sink-connector-*.jar >/dev/null 2>&1 && echo yes || echo no)"
  set +e
  out=$(run connect 2>&1)
  code=$?
  set -e
  check "connect image: ConnectDistributed starts and asks for its worker config" "yes" \
    "$(grep -q 'Usage: ConnectDistributed' <<< "$out" && echo yes || echo "no (exit $code): $out")"
fi

[ "$failures" -eq 0 ] && echo "images verified" || { echo "$failures check(s) failed"; exit 1; }

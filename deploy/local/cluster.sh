#!/usr/bin/env bash
# agentmeter's cluster topology as real OS processes on one machine: 3 KRaft brokers (RF 3, min ISR 2),
# PostgreSQL from Debian's packages, Kafka Connect in distributed mode with 2 workers loading the
# packaged sink plugin from plugin.path, and 2 stream processor instances from the shaded jar.
# Kafka is closed as deploy/k8s's: SASL/SCRAM-SHA-512 on every listener clients use, ACLs with
# nothing allowed that no ACL allows, one user per part (KafkaAccess.java); each user's client
# settings are in <data dir>/credentials/USER.properties (admin, collector, processor, connect,
# prices, budgets).
#
#   deploy/local/cluster.sh up                 start everything (formats and installs on first use)
#   deploy/local/cluster.sh down [--purge]     stop everything (SIGTERM); --purge also deletes the data
#   deploy/local/cluster.sh status             one line per part: running or not, pid, port
#   deploy/local/cluster.sh kill PART          SIGKILL one part (a crash)
#   deploy/local/cluster.sh start PART         start one part again (after kill or stop)
#   deploy/local/cluster.sh stop PART          SIGTERM one part and wait for it (a graceful stop)
#   deploy/local/cluster.sh env                the addresses, as shell variables
#
# PART is broker-1..3, connect-1..2, processor-1..2 or postgres. Build first:
#   mvn -B -ntp package -DskipTests -pl deploy -am
# Settings (environment): AGENTMETER_LOCAL_DIR (data and logs; default deploy/local/.run),
# AGENTMETER_LOCAL_PORT_BASE (default 19000: brokers base+91..93, controllers base+191..193,
# Connect REST base+81..82, processor HTTP base+71..72, PostgreSQL base+32), AGENTMETER_LOCAL_HEAP
# (per JVM, default 512m).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUN=${AGENTMETER_LOCAL_DIR:-$HERE/.run}
BASE=${AGENTMETER_LOCAL_PORT_BASE:-19000}
HEAP=${AGENTMETER_LOCAL_HEAP:-512m}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
LIBS=$ROOT/deploy/target/local/libs
APP_ID=agentmeter-processor
CONNECTOR=agentmeter-postgres-sink

broker_port() { echo $((BASE + 90 + $1)); }
controller_port() { echo $((BASE + 190 + $1)); }
connect_port() { echo $((BASE + 80 + $1)); }
processor_port() { echo $((BASE + 70 + $1)); }
PG_PORT=$((BASE + 32))
BOOTSTRAP="localhost:$(broker_port 1),localhost:$(broker_port 2),localhost:$(broker_port 3)"
PG_URL="jdbc:postgresql://localhost:$PG_PORT/agentmeter?user=postgres"
PARTS="postgres broker-1 broker-2 broker-3 processor-1 processor-2 connect-1 connect-2"

CRED=$RUN/credentials
USERS="admin collector processor connect prices budgets"

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

# --- artifacts --------------------------------------------------------------------------------

processor_jar() { ls "$ROOT"/stream-processor/target/stream-processor-*-all.jar 2>/dev/null | head -1; }
plugin_zip() { ls "$ROOT"/sink-connector/target/sink-connector-*-plugin.zip 2>/dev/null | head -1; }

check_artifacts() {
  [ -d "$LIBS" ] && [ -n "$(processor_jar)" ] && [ -n "$(plugin_zip)" ] \
    || die "build first: mvn -B -ntp package -DskipTests -pl deploy -am (needs $LIBS, the processor's -all.jar and the sink's -plugin.zip)"
}

# --- process bookkeeping --------------------------------------------------------------------------

pidfile() { echo "$RUN/pids/$1.pid"; }
logfile() { echo "$RUN/logs/$1.log"; }

running() {
  local f; f=$(pidfile "$1")
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# Starts a JVM in the background; its pid goes to the part's pid file, its output to the part's log.
spawn() {
  local part=$1; shift
  mkdir -p "$RUN/pids" "$RUN/logs"
  printf '\n=== %s start %s\n' "$(date -u +%FT%TZ)" "$part" >> "$(logfile "$part")"
  nohup "$@" >> "$(logfile "$part")" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$part")"
}

# Waits for a line in the part's log written since its last start (mark_log).
declare -A LOG_FROM
await_log() { # part, pattern, seconds
  local part=$1 pattern=$2 deadline=$((SECONDS + $3))
  while ! tail -n +"${LOG_FROM[$part]:-1}" "$(logfile "$part")" 2>/dev/null | grep -q -- "$pattern"; do
    running "$part" || die "$part exited; see $(logfile "$part")"
    [ $SECONDS -lt "$deadline" ] || die "$part not ready after $3 s; see $(logfile "$part")"
    sleep 0.5
  done
}

mark_log() {
  local lines; lines=$(grep -c '' "$(logfile "$1")" 2>/dev/null) || lines=0
  LOG_FROM[$1]=$((lines + 1))
}

java_opts() { echo "-Xms128m -Xmx$HEAP -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"; }

# --- Kafka credentials (made once, kept with the data) -------------------------------------------

password() { cat "$CRED/$1.password"; }
jaas() { echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$(password "$1")\";"; }

make_credentials() {
  mkdir -p "$CRED" && chmod 700 "$CRED"
  local user
  for user in $USERS; do
    if [ ! -f "$CRED/$user.password" ]; then
      od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$CRED/$user.password"
      chmod 600 "$CRED/$user.password"
    fi
    printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=%s\n' "$(jaas "$user")" \
      > "$CRED/$user.properties"
    chmod 600 "$CRED/$user.properties"
  done
}

# The users and ACLs of every part, as the admin (idempotent).
grant_access() {
  "$JAVA" -cp "$LIBS/*" "$HERE/KafkaAccess.java" "$BOOTSTRAP" "$CRED/admin.properties" "$CRED" \
    > "$RUN/logs/kafka-access.log" 2>&1 || die "creating the Kafka users and ACLs failed; see $RUN/logs/kafka-access.log"
}

# --- PostgreSQL (Debian's server) ----------------------------------------------------------------

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    say "installing Debian's postgresql"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 && $sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$bin"
}

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user Debian's package made.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_postgres() {
  local bin data=$RUN/postgres
  bin=$(pg_bin)
  mkdir -p "$RUN/logs"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres "$data" "$RUN/logs" && chmod 700 "$data"
    as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  [ "$(id -u)" -eq 0 ] && touch "$(logfile postgres)" && chown postgres "$(logfile postgres)"
  as_pg "$bin/pg_ctl" -D "$data" -l "$(logfile postgres)" -w -t 60 \
    -o "-p $PG_PORT -k $data -c listen_addresses=localhost -c max_connections=100 -c fsync=on" start >/dev/null
  head -1 "$data/postmaster.pid" > "$(pidfile postgres)"
  if ! as_pg "$bin/psql" -h localhost -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='agentmeter'" | grep -q 1; then
    as_pg "$bin/psql" -h localhost -p "$PG_PORT" -U postgres -qc "CREATE DATABASE agentmeter" >/dev/null
  fi
}

stop_postgres() { # fast: immediate is a crash, as SIGKILL is for the JVMs
  local mode=${1:-fast}
  [ -f "$RUN/postgres/postmaster.pid" ] || return 0
  as_pg "$(pg_bin)/pg_ctl" -D "$RUN/postgres" -m "$mode" -w stop >/dev/null || true
  rm -f "$(pidfile postgres)"
}

# --- Kafka brokers (KRaft, combined broker and controller) ---------------------------------------

broker_config() {
  local i=$1 dir=$RUN/broker-$1 voters=""
  for j in 1 2 3; do voters="$voters${voters:+,}$j@localhost:$(controller_port "$j")"; done
  mkdir -p "$dir"
  cat > "$RUN/config/broker-$i.properties" <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=SASL_PLAINTEXT://localhost:$(broker_port "$i"),CONTROLLER://localhost:$(controller_port "$i")
advertised.listeners=SASL_PLAINTEXT://localhost:$(broker_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
# Clients and brokers authenticate with SCRAM-SHA-512; the controllers (which SCRAM cannot serve in
# KRaft: its credentials live in the metadata they hold) with PLAIN, the admin's password.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$(jaas admin)
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$(password admin)" user_admin="$(password admin)";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
log.dirs=$dir/data
# As deploy/k8s: every topic on 3 brokers, a write acknowledged by 2, no unclean elections.
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
num.partitions=6
offsets.topic.num.partitions=12
transaction.state.log.num.partitions=12
group.initial.rebalance.delay.ms=0
EOF
}

start_broker() {
  local i=$1 props=$RUN/config/broker-$1.properties
  mkdir -p "$RUN/config"
  broker_config "$i"
  if [ ! -f "$RUN/broker-$i/data/meta.properties" ]; then
    [ -f "$RUN/cluster.id" ] || "$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null > "$RUN/cluster.id"
    # transaction.version=1: see embedded-infra's EmbeddedKafka (EOS producers on 4.3.1 with version 2).
    "$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool format -t "$(cat "$RUN/cluster.id")" -c "$props" \
      --ignore-formatted --feature transaction.version=1 \
      --add-scram "SCRAM-SHA-512=[name=admin,password=$(password admin)]" >> "$(logfile "broker-$i")" 2>&1 \
      || die "formatting broker-$i failed; see $(logfile "broker-$i")"
  fi
  mark_log "broker-$i"
  spawn "broker-$i" "$JAVA" $(java_opts) -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$LIBS/*" kafka.Kafka "$props"
}

await_broker() { await_log "broker-$1" "Kafka Server started" 120; }

# --- Kafka Connect (distributed) -----------------------------------------------------------------

start_connect() {
  local i=$1 props=$RUN/config/connect-$1.properties plugins=$RUN/plugins
  mkdir -p "$RUN/config"
  if [ ! -d "$plugins/agentmeter-sink-connector" ] || [ "$(plugin_zip)" -nt "$plugins/agentmeter-sink-connector" ]; then
    rm -rf "$plugins" && mkdir -p "$plugins"
    (cd "$plugins" && "${JAVA%java}jar" xf "$(plugin_zip)")
  fi
  cat > "$props" <<EOF
bootstrap.servers=$BOOTSTRAP
group.id=agentmeter-sink
config.storage.topic=agentmeter-sink-configs
offset.storage.topic=agentmeter-sink-offsets
status.storage.topic=agentmeter-sink-status
config.storage.replication.factor=3
offset.storage.replication.factor=3
status.storage.replication.factor=3
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
# The sink plugin is loaded from here, in its own class loader: it is not on the worker's classpath.
plugin.path=$plugins
plugin.discovery=hybrid_warn
listeners=http://localhost:$(connect_port "$i")
rest.advertised.host.name=localhost
rest.advertised.port=$(connect_port "$i")
connector.client.config.override.policy=All
# As the connect user, for the worker's own clients and the connector's consumer and DLQ producer.
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas connect)
producer.security.protocol=SASL_PLAINTEXT
producer.sasl.mechanism=SCRAM-SHA-512
producer.sasl.jaas.config=$(jaas connect)
consumer.security.protocol=SASL_PLAINTEXT
consumer.sasl.mechanism=SCRAM-SHA-512
consumer.sasl.jaas.config=$(jaas connect)
admin.security.protocol=SASL_PLAINTEXT
admin.sasl.mechanism=SCRAM-SHA-512
admin.sasl.jaas.config=$(jaas connect)
# A lost worker's tasks move to the survivor after this delay (default 5 min, meant for rolling restarts).
scheduled.rebalance.max.delay.ms=15000
offset.flush.interval.ms=5000
EOF
  mark_log "connect-$i"
  spawn "connect-$i" "$JAVA" $(java_opts) -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.connect.runtime.Connect=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$LIBS/*" org.apache.kafka.connect.cli.ConnectDistributed "$props"
}

await_connect() { await_log "connect-$1" "Kafka Connect started" 180; }

register_connector() {
  local body
  body=$(sed "s|@PG_URL@|$PG_URL|" "$HERE/sink-connector.json")
  curl -fsS -X PUT -H 'Content-Type: application/json' --data "$body" \
    "http://localhost:$(connect_port 1)/connectors/$CONNECTOR/config" >/dev/null \
    || die "registering the connector failed; see $(logfile connect-1)"
}

# --- stream processor ----------------------------------------------------------------------------

start_processor() {
  local i=$1
  mark_log "processor-$i"
  mkdir -p "$RUN/processor-$i"
  spawn "processor-$i" env \
    AGENTMETER_BOOTSTRAP_SERVERS="$BOOTSTRAP" \
    AGENTMETER_APPLICATION_ID="$APP_ID" \
    AGENTMETER_STATE_DIR="$RUN/processor-$i/state" \
    AGENTMETER_HTTP_PORT="$(processor_port "$i")" \
    AGENTMETER_HTTP_ADVERTISED_HOST=localhost \
    AGENTMETER_TOPIC_PARTITIONS=6 \
    AGENTMETER_TOPIC_REPLICATION=3 \
    AGENTMETER_KAFKA_REPLICATION_FACTOR=3 \
    AGENTMETER_KAFKA_NUM_STANDBY_REPLICAS=1 \
    AGENTMETER_KAFKA_GROUP_INSTANCE_ID="processor-$i" \
    AGENTMETER_KAFKA_SESSION_TIMEOUT_MS=30000 \
    AGENTMETER_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT \
    AGENTMETER_KAFKA_SASL_MECHANISM=SCRAM-SHA-512 \
    AGENTMETER_KAFKA_SASL_JAAS_CONFIG="$(jaas processor)" \
    "$JAVA" $(java_opts) -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.showDateTime=true \
    -jar "$(processor_jar)"
}

await_processor() { await_log "processor-$1" "agentmeter processor RUNNING" 180; }

# --- parts ---------------------------------------------------------------------------------------

start_part() {
  local part=$1
  running "$part" && { say "$part already running"; return 0; }
  case $part in
    postgres) start_postgres ;;
    broker-[123]) start_broker "${part#broker-}"; await_broker "${part#broker-}" ;;
    connect-[12]) start_connect "${part#connect-}"; await_connect "${part#connect-}" ;;
    processor-[12]) start_processor "${part#processor-}"; await_processor "${part#processor-}" ;;
    *) die "unknown part $part (one of: $PARTS)" ;;
  esac
  say "$part up"
}

stop_part() {
  local part=$1 signal=${2:-TERM}
  if [ "$part" = postgres ]; then
    [ "$signal" = KILL ] && stop_postgres immediate || stop_postgres fast
    return 0
  fi
  running "$part" || { rm -f "$(pidfile "$part")"; return 0; }
  local pid; pid=$(cat "$(pidfile "$part")")
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(pidfile "$part")"
}

up() {
  check_artifacts
  mkdir -p "$RUN/logs" "$RUN/pids" "$RUN/config"
  make_credentials
  start_part postgres
  # The three brokers start together: a KRaft quorum needs two voters before anyone is ready.
  for i in 1 2 3; do running "broker-$i" || start_broker "$i"; done
  for i in 1 2 3; do await_broker "$i"; done
  grant_access
  say "brokers up at $BOOTSTRAP (SASL/SCRAM, ACLs; clients' settings in $CRED)"
  for i in 1 2; do running "processor-$i" || start_processor "$i"; done
  for i in 1 2; do await_processor "$i"; done
  say "processors up: http://localhost:$(processor_port 1) http://localhost:$(processor_port 2)"
  for i in 1 2; do running "connect-$i" || start_connect "$i"; done
  for i in 1 2; do await_connect "$i"; done
  register_connector
  say "connect up: http://localhost:$(connect_port 1)/connectors/$CONNECTOR/status"
  say "PostgreSQL: $PG_URL"
}

down() {
  for part in connect-2 connect-1 processor-2 processor-1 broker-3 broker-2 broker-1 postgres; do stop_part "$part"; done
  if [ "${1:-}" = "--purge" ]; then rm -rf "$RUN"; say "purged $RUN"; fi
}

status() {
  for part in $PARTS; do
    if running "$part"; then printf '%-12s running  pid %s\n' "$part" "$(cat "$(pidfile "$part")")"
    else printf '%-12s stopped\n' "$part"; fi
  done
}

case ${1:-} in
  up) up ;;
  down) down "${2:-}" ;;
  status) status ;;
  kill) [ -n "${2:-}" ] || die "kill PART"; stop_part "$2" KILL; say "$2 killed" ;;
  stop) [ -n "${2:-}" ] || die "stop PART"; stop_part "$2" TERM; say "$2 stopped" ;;
  start) [ -n "${2:-}" ] || die "start PART"; check_artifacts; make_credentials; start_part "$2" ;;
  env)
    echo "BOOTSTRAP=$BOOTSTRAP"
    echo "PG_URL='$PG_URL'"
    echo "PROCESSORS=http://localhost:$(processor_port 1),http://localhost:$(processor_port 2)"
    echo "CONNECT=http://localhost:$(connect_port 1),http://localhost:$(connect_port 2)"
    echo "CREDENTIALS=$CRED   # USER.properties: a Kafka client's security settings"
    ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

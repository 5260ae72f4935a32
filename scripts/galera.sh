#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on this machine, for the race tests and the load test.
#
#   scripts/galera.sh up       start three mariadbd nodes (bootstrap node 1, join 2 and 3), wait
#                              until the cluster size is 3 and every node is Synced
#   scripts/galera.sh status   size and state of each node
#   scripts/galera.sh down     stop exactly the servers `up` started (by their pid files), remove the data
#   scripts/galera.sh env      print GALERA_DATABASE_URL=... and GALERA_NODES=... for the tests
#
# Needs Debian's mariadb-server and galera-4 (wsrep_provider /usr/lib/galera/libgalera_smm.so) and
# rsync (state transfer). Each node has its own data directory under GALERA_DIR, listens on loopback
# only, and runs as the `mysql` user: as root, the rsync state transfer fails on permissions.
# root logs in only through each node's socket; the app uses the TCP user luffy/luffy (a throwaway
# cluster for tests: it may create and drop databases).
#
# Ports (GALERA_PORT_BASE, default 8850): node N (1..3) uses BASE+10*(N-1)+0 SQL, +1 group
# communication (wsrep), +2 incremental state transfer (IST), +3 snapshot state transfer (SST).
set -euo pipefail

GALERA_DIR=${GALERA_DIR:-/tmp/luffy-galera}
BASE=${GALERA_PORT_BASE:-8850}
PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
APP_USER=luffy
APP_PASSWORD=luffy
NODES=(1 2 3)
WAIT_SECONDS=${GALERA_WAIT_SECONDS:-120}

sql_port() { echo $((BASE + 10 * ($1 - 1))); }
wsrep_port() { echo $((BASE + 10 * ($1 - 1) + 1)); }
ist_port() { echo $((BASE + 10 * ($1 - 1) + 2)); }
sst_port() { echo $((BASE + 10 * ($1 - 1) + 3)); }
node_dir() { echo "$GALERA_DIR/node$1"; }
socket_of() { echo "$(node_dir "$1")/mysqld.sock"; }
pid_of() { cat "$(node_dir "$1")/mysqld.pid" 2>/dev/null || true; }
as_root() { mariadb --no-defaults -S "$(socket_of "$1")" -u root -N -B "${@:2}"; }
status_var() { as_root "$1" -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'; }

# Whether pid $2 is the mariadbd this script started for node $1 (not some other server).
is_our_server() {
  local pid=$2
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--defaults-file=$(node_dir "$1")/my.cnf"
}

write_config() {
  local n=$1 dir cluster=""
  dir=$(node_dir "$n")
  for m in "${NODES[@]}"; do cluster+="127.0.0.1:$(wsrep_port "$m"),"; done
  cat >"$dir/my.cnf" <<EOF
[mysqld]
user=mysql
datadir=$dir/data
socket=$dir/mysqld.sock
pid-file=$dir/mysqld.pid
log-error=$dir/error.log
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
innodb_flush_log_at_trx_commit=2
max_connections=200
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=luffy_test
wsrep_cluster_address=gcomm://${cluster%,}
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(wsrep_port "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(wsrep_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=64M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$n")
# Causal reads: a read on one node sees what any node committed before it (read-your-writes
# when the load balancer sends the next request to another node).
wsrep_sync_wait=1
wsrep_slave_threads=2
EOF
}

start_node() {
  local n=$1 dir
  dir=$(node_dir "$n")
  mkdir -p "$dir/data"
  write_config "$n"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --defaults-file="$dir/my.cnf" --user=mysql --skip-test-db >"$dir/install.log" 2>&1
  fi
  chown -R mysql:mysql "$dir"
  # setsid + nohup: the server outlives this script and the shell that ran it.
  setsid nohup mariadbd --defaults-file="$dir/my.cnf" "${@:2}" >>"$dir/stdout.log" 2>&1 </dev/null &
}

wait_synced() {
  local n=$1 deadline=$((SECONDS + WAIT_SECONDS))
  while [ $SECONDS -lt $deadline ]; do
    if [ "$(status_var "$n" wsrep_local_state_comment)" = "Synced" ]; then return 0; fi
    sleep 0.5
  done
  echo "galera: node $n not Synced within ${WAIT_SECONDS}s; see $(node_dir "$n")/error.log" >&2
  tail -n 30 "$(node_dir "$n")/error.log" >&2 || true
  return 1
}

cmd_up() {
  for bin in mariadbd mariadb-install-db rsync; do
    command -v "$bin" >/dev/null || { echo "galera: $bin missing (apt-get install mariadb-server galera-4 rsync)" >&2; exit 1; }
  done
  [ -f "$PROVIDER" ] || { echo "galera: $PROVIDER missing (apt-get install galera-4)" >&2; exit 1; }
  for n in "${NODES[@]}"; do
    if is_our_server "$n" "$(pid_of "$n")"; then echo "galera: node $n already runs; 'down' first" >&2; exit 1; fi
  done
  rm -rf "$GALERA_DIR"
  mkdir -p "$GALERA_DIR"
  chmod 755 "$GALERA_DIR"
  local started=$SECONDS
  start_node 1 --wsrep-new-cluster
  wait_synced 1
  as_root 1 -e "CREATE USER IF NOT EXISTS '$APP_USER'@'127.0.0.1' IDENTIFIED BY '$APP_PASSWORD';
                GRANT ALL PRIVILEGES ON *.* TO '$APP_USER'@'127.0.0.1' WITH GRANT OPTION;"
  # One joiner at a time: each takes a full state transfer (rsync) from a donor.
  for n in 2 3; do
    start_node "$n"
    wait_synced "$n"
  done
  local deadline=$((SECONDS + WAIT_SECONDS))
  until [ "$(status_var 1 wsrep_cluster_size)" = 3 ]; do
    [ $SECONDS -lt $deadline ] || { echo "galera: cluster size never reached 3" >&2; exit 1; }
    sleep 0.5
  done
  echo "galera: 3 nodes Synced in $((SECONDS - started)) s"
  cmd_status
}

cmd_status() {
  local rc=0
  for n in "${NODES[@]}"; do
    local pid
    pid=$(pid_of "$n")
    if is_our_server "$n" "$pid"; then
      echo "node$n pid=$pid sql=127.0.0.1:$(sql_port "$n") size=$(status_var "$n" wsrep_cluster_size)" \
        "state=$(status_var "$n" wsrep_local_state_comment)"
    else
      echo "node$n down"
      rc=3
    fi
  done
  return $rc
}

cmd_down() {
  for n in "${NODES[@]}"; do
    local pid
    pid=$(pid_of "$n")
    if is_our_server "$n" "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do is_our_server "$n" "$pid" || break; sleep 0.5; done
      if is_our_server "$n" "$pid"; then kill -KILL "$pid"; fi
      echo "galera: node $n (pid $pid) stopped"
    fi
  done
  rm -rf "$GALERA_DIR"
}

cmd_env() {
  local nodes=""
  for n in "${NODES[@]}"; do nodes+="127.0.0.1:$(sql_port "$n"),"; done
  echo "GALERA_DATABASE_URL=mysql://$APP_USER:$APP_PASSWORD@127.0.0.1:$(sql_port 1)/luffy"
  echo "GALERA_NODES=${nodes%,}"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac

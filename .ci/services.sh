#!/usr/bin/env bash
# Makes sure the PostgreSQL and MariaDB servers the test suites use are installed, running and
# able to take bulk loads. Safe to run repeatedly; used by .ci/run and handy on a dev machine.
set -euo pipefail

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[services] installing ${need_apt[*]} from Debian packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "[services] starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

if ! mariadb-admin -uroot -h127.0.0.1 ping >/dev/null 2>&1; then
  echo "[services] starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
for _ in $(seq 1 60); do mariadb-admin -uroot -h127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
mariadb-admin -uroot -h127.0.0.1 ping

# The MySQL bulk loader streams LOAD DATA LOCAL INFILE from memory: the server must allow it.
mariadb -uroot -h127.0.0.1 -e "SET GLOBAL local_infile = 1"
mariadb -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS test"
echo "[services] PostgreSQL and MariaDB ready"

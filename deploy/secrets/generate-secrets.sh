#!/bin/sh
# First-start secret generation, the same for compose and Kubernetes.
#
#   generate-secrets.sh <secrets.list> <dir>
#
# For each line of the list (<name> <bytes> <consumer>...), a value is generated once into
# <dir>/.generated/<name> when missing (base64url of <bytes> random bytes from /dev/urandom) and
# never changed afterwards; then it is copied into <dir>/<consumer>/<name> for each consumer.
# Then every hook in hooks/ (next to this script, *.sh, in name order) runs with SECRETS_DIR=<dir>
# to derive files from the values (the NATS users' config, a Redis ACL file...). Safe to run on
# every start: it only fills in what is missing. POSIX sh, busybox-compatible.
set -eu
list=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)
umask 077
mkdir -p "$dir/.generated"
generated=0
# Strip comments and blank lines; read name, bytes, consumers.
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | while read -r name bytes consumers; do
  case "$name" in *[!A-Za-z0-9_.-]*|'') echo "generate-secrets: bad secret name '$name' in $list" >&2; exit 1 ;; esac
  case "$bytes" in ''|*[!0-9]*) echo "generate-secrets: '$name': bytes must be a number, got '$bytes'" >&2; exit 1 ;; esac
  if [ -z "$consumers" ]; then echo "generate-secrets: '$name' has no consumer" >&2; exit 1; fi
  master="$dir/.generated/$name"
  if [ ! -s "$master" ]; then
    head -c "$bytes" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' > "$master.tmp"
    mv "$master.tmp" "$master"
    echo "generate-secrets: generated $name"
  fi
  for consumer in $consumers; do
    mkdir -p "$dir/$consumer"
    chmod 755 "$dir/$consumer"
    cp "$master" "$dir/$consumer/$name.tmp"
    # Readable inside the consumer's directory: the directory is mounted only into that consumer,
    # whose process may run as any user (the services as 1000, NATS and Redis as their own).
    chmod 444 "$dir/$consumer/$name.tmp"
    mv "$dir/$consumer/$name.tmp" "$dir/$consumer/$name"
  done
done
for hook in "$here"/hooks/*.sh; do
  [ -e "$hook" ] || continue
  SECRETS_DIR=$dir sh "$hook"
done
echo "generate-secrets: $(ls "$dir/.generated" | wc -l | tr -d ' ') secrets in $dir"

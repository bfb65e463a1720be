#!/bin/sh
# Gathers the Redis ACL users' passwords as redis-users/<user> (one file per user, named as the
# user: the keys of the Kubernetes Secret switchboard-redis-users).
set -eu
out="$SECRETS_DIR/redis-users"
mkdir -p "$out"
chmod 755 "$out"
for file in "$SECRETS_DIR"/.generated/redis-password-*; do
  [ -e "$file" ] || continue
  user=${file##*/redis-password-}
  cp "$file" "$out/$user.tmp"
  chmod 444 "$out/$user.tmp"
  mv "$out/$user.tmp" "$out/$user"
done

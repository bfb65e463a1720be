#!/bin/sh
# Derives the NATS server's secret config from the generated passwords: nats/passwords.env sets
# PW_<USER> for every nats-password-<user> in the server's environment (the users and their
# permissions are in auth.conf, whose $PW_<USER> references nats-server resolves from the
# environment; variables defined in one included file are not seen by another), and
# nats/cluster.conf authenticates the cluster's routes (NATS_ROUTE_HOSTS: space-separated
# host:port of every node).
set -eu
out="$SECRETS_DIR/nats"
mkdir -p "$out"
tmp="$out/passwords.env.tmp"
: > "$tmp"
for file in "$SECRETS_DIR"/.generated/nats-password-*; do
  [ -e "$file" ] || continue
  user=${file##*/nats-password-}
  var=$(printf '%s' "$user" | tr 'a-z-' 'A-Z_')
  # nats-server parses an environment variable's value as a config value: unquoted, a password
  # such as 1-ANw... reads as a malformed number. The double quotes make it a string; the single
  # quotes keep them when the file is sourced (base64url values hold no quote).
  printf "PW_%s='\"%s\"'\n" "$var" "$(cat "$file")" >> "$tmp"
done
chmod 444 "$tmp" && mv "$tmp" "$out/passwords.env"
route=$(cat "$SECRETS_DIR/.generated/nats-route-password")
{
  printf 'authorization { user: "route", password: "%s" }\n' "$route"
  printf 'routes: [\n'
  for host in ${NATS_ROUTE_HOSTS:-}; do printf '  "nats-route://route:%s@%s"\n' "$route" "$host"; done
  printf ']\n'
} > "$out/cluster.conf.tmp"
chmod 444 "$out/cluster.conf.tmp" && mv "$out/cluster.conf.tmp" "$out/cluster.conf"

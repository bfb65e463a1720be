#!/bin/sh
# Renders Redis's ACL file from the template and one password file per user, before redis-server
# starts (a compose one-shot service, a Kubernetes init container). Fails closed: a missing or empty
# password stops it, unless REDIS_GENERATE_PASSWORDS=1, when a missing one is generated once and
# kept (first start). Nothing but hashes reaches the ACL file.
#
#   REDIS_ACL_TEMPLATE   the template (deploy/redis/users.acl.template)
#   REDIS_SECRETS_DIR    <dir>/<user>/password for each user of the template
#   REDIS_ACL_FILE       where the rendered file goes (redis-server --aclfile)
#   REDIS_SECRET_OWNER   uid:gid that owns generated password files (the services' user), optional
set -eu
template=${REDIS_ACL_TEMPLATE:?set REDIS_ACL_TEMPLATE}
dir=${REDIS_SECRETS_DIR:?set REDIS_SECRETS_DIR}
out=${REDIS_ACL_FILE:?set REDIS_ACL_FILE}
tmp="$out.tmp"
grep -v '^#' "$template" > "$tmp"
for user in $(grep -o '{{[a-z-]*}}' "$template" | tr -d '{}' | sort -u); do
  file="$dir/$user/password"
  if [ ! -s "$file" ]; then
    if [ "${REDIS_GENERATE_PASSWORDS:-0}" != 1 ]; then
      echo "render-acl: no password for Redis user $user at $file (create it, or set REDIS_GENERATE_PASSWORDS=1 on first start)" >&2
      rm -f "$tmp"; exit 1
    fi
    mkdir -p "$dir/$user"
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file")
    [ -n "${REDIS_SECRET_OWNER:-}" ] && chown "$REDIS_SECRET_OWNER" "$file"
    echo "render-acl: generated a password for Redis user $user"
  fi
  # The services drop one trailing newline from a password file; hash what they send.
  hash=$(printf '%s' "$(cat "$file")" | sha256sum | cut -d' ' -f1)
  sed -i "s/{{$user}}/#$hash/" "$tmp"
done
chmod 0444 "$tmp"
mv "$tmp" "$out"
echo "render-acl: wrote $out"

#!/bin/sh
# The Kubernetes form of the first-start step (deploy/k8s/04-secrets-job.yaml runs it with
# kubectl): restores what an earlier run generated from the Secret switchboard-generated, runs
# generate-secrets.sh (which only fills in what is missing, then the hooks), and writes back
# switchboard-generated and one Secret switchboard-<consumer> per consumer directory, which
# only that consumer's pods mount. Values never change once generated.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out/.generated"
if kubectl get secret switchboard-generated >/dev/null 2>&1; then
  sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/secrets.list" | while read -r name _; do
    value=$(kubectl get secret switchboard-generated -o "go-template={{with index .data \"$name\"}}{{.}}{{end}}")
    if [ -n "$value" ]; then printf '%s' "$value" | base64 -d > "$work/out/.generated/$name"; fi
  done
fi
sh "$here/generate-secrets.sh" "$here/secrets.list" "$work/out"
apply() {
  kubectl create secret generic "$1" --from-file="$2" --dry-run=client -o yaml \
    | kubectl label --local -f - app.kubernetes.io/part-of=switchboard -o yaml \
    | kubectl apply -f -
}
apply switchboard-generated "$work/out/.generated"
for consumer in "$work"/out/*/; do
  apply "switchboard-$(basename "$consumer")" "$consumer"
done

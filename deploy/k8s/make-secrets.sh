#!/usr/bin/env bash
# Writes real secrets over the placeholders that the kustomize secret generators read
# (deploy/k8s/base/secrets): a random request-id signing key, one API key (printed once, only its SHA-256
# is stored) and a self-signed TLS certificate for the Ingress. Never commit the results:
#   deploy/k8s/make-secrets.sh goldilocks.example.com && git update-index --assume-unchanged deploy/k8s/base/secrets/*
# In production, prefer your secret manager (External Secrets, Sealed Secrets, Vault) and drop the generators.
set -euo pipefail
host=${1:-goldilocks.example.com}
dir=$(cd "$(dirname "$0")/base/secrets" && pwd)
umask 077
openssl rand -base64 48 | tr -d '\n' > "$dir/signing-key"
key=$(openssl rand -hex 24)
printf 'keys:\n  - {name: team-a, sha256: "%s", rate_per_second: 50}\n' \
  "$(printf %s "$key" | sha256sum | cut -d' ' -f1)" > "$dir/api-keys.yaml"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
  -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
printf 'user: goldilocks\npassword: %s\n' "$(openssl rand -hex 24)" > "$dir/decision-log.yaml"
echo "API key for team-a (shown once; clients send 'authorization: Bearer <key>'): $key"
echo "wrote $dir/{signing-key,api-keys.yaml,decision-log.yaml,tls.crt,tls.key} (create the same PostgreSQL user)"

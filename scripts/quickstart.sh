#!/usr/bin/env bash
# Quickstart: a sample project, CI/CD configured, an image pushed and registered (then pushed again: the fast path),
# promoted, resolved per environment, attached to production as an override, resolved again, and its history.
# Uses a running engine + registry when reachable (DOCKER_HOST, QUICKSTART_REGISTRY=host:port); otherwise
# starts a private dockerd and registry into .facets-quickstart/ (or QUICKSTART_DIR) and stops them at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="${QUICKSTART_DIR:-$ROOT/.facets-quickstart}"
INFRA_DIR="$WORK/infra"
DEMO="$WORK/demo"
STARTED_INFRA=0
facetsctl() { node "$ROOT/bin/facetsctl" "$@"; }
# Bold headings on a terminal only, and not under NO_COLOR: a log or a pipe gets no escape codes.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD='' PLAIN=''; fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$PLAIN"; }
# An argument as the shell reads it back: as it is when it has no special character, else in single quotes.
shell_quote() {
  if [[ -n "$1" && "$1" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
# Echoes the command so that pasting the line back runs the same command, then runs it.
show() {
  local line='$ facetsctl' arg
  for arg in "$@"; do line+=" $(shell_quote "$arg")"; done
  printf '%s\n' "$line"
  facetsctl "$@"
}

cleanup() {
  if [ "$STARTED_INFRA" = 1 ]; then
    step "Stopping the engine and registry this quickstart started"
    # --rm: the next run starts from an empty registry, so its first push really pushes.
    node "$ROOT/scripts/test-infra.js" stop --dir "$INFRA_DIR" --rm >/dev/null || echo "could not stop everything in $INFRA_DIR: run node scripts/test-infra.js stop --dir $INFRA_DIR" >&2
  fi
}
trap cleanup EXIT

[ -f dist/cli/main.js ] || { echo "run 'npm run build' first (npm run quickstart does it)" >&2; exit 2; }
mkdir -p "$WORK"

engine_up() { curl -fsS --max-time 2 --unix-socket "${DOCKER_HOST#unix://}" http://docker/_ping >/dev/null 2>&1; }
registry_up() { curl -fsS --max-time 2 "http://$1/v2/" >/dev/null 2>&1; }

REGISTRY="${QUICKSTART_REGISTRY:-}"
SOURCE_IMAGE="${QUICKSTART_IMAGE:-}"
if [ -n "${DOCKER_HOST:-}" ] && engine_up && [ -n "$REGISTRY" ] && registry_up "$REGISTRY" && [ -n "$SOURCE_IMAGE" ]; then
  step "Using the running engine ($DOCKER_HOST) and registry ($REGISTRY)"
else
  step "No engine/registry given: starting a private dockerd and a registry into $INFRA_DIR"
  STARTED_INFRA=1
  bash "$ROOT/scripts/setup-system.sh"   # dockerd and docker-registry, when missing
  node "$ROOT/scripts/test-infra.js" start --dir "$INFRA_DIR" --only dockerd,open >/dev/null
  INFRA_JSON="$INFRA_DIR/infra.json"
  export DOCKER_HOST="$(node -p "require('$INFRA_JSON').dockerHost")"
  REGISTRY="$(node -p "require('$INFRA_JSON').registries.open.host")"
  SOURCE_IMAGE="$(node -p "require('$INFRA_JSON').testImage")"
  echo "engine $DOCKER_HOST, registry $REGISTRY, image $SOURCE_IMAGE"
fi

step "A sample project in $DEMO (blueprint facets.yaml; state goes to .facets/state.db beside it)"
rm -rf "$DEMO" && mkdir -p "$DEMO" && cd "$DEMO"
cat > facets.yaml <<YAML
project: shop
releaseStreams:
  - {name: QA, prod: false}
  - {name: PRODUCTION, prod: true}
environments:
  - {name: dev, releaseStream: QA}
  - {name: staging, releaseStream: QA}
  - {name: production, releaseStream: PRODUCTION}
services:
  - {name: checkout, type: service}
registries:
  - {name: local, type: OTHERS, uri: "$REGISTRY"}
YAML
cat facets.yaml
export HOME="$WORK/home" && mkdir -p "$HOME"   # no profile: the embedded control plane
unset FACETS_CONTROL_PLANE_URL CONTROL_PLANE_URL FACETS_PROFILE

step "Configure CI/CD: branches route to environments, promotion dev -> staging -> production"
show ci configure --registration-type ENVIRONMENT --branch-rule main=dev --branch-rule 'release/*=staging' \
  --promotion dev,staging,production --deny-tag latest

IMAGE="$REGISTRY/shop/checkout:1.0.0"
step "Push $SOURCE_IMAGE as $IMAGE and register it from branch main (pinned by digest, routed by the rules)"
show push "$SOURCE_IMAGE" --service checkout --registry local --repository shop/checkout --tag 1.0.0 --git-ref main

step "Push it again: the registry already has this image under the tag, so nothing is uploaded or registered twice"
show push "$SOURCE_IMAGE" --service checkout --registry local --repository shop/checkout --tag 1.0.0 --git-ref main

step "Promote it from dev to the next level (staging)"
show promote --service checkout --from dev

step "Resolve \${blueprint.self.artifacts.<ciName>} per environment"
show resolve --service checkout

step "Attach $IMAGE to production by hand (an override: it wins over routed artifacts there)"
show attach --service checkout --environment production --registry local --repository shop/checkout --tag 1.0.0 \
  --change-log "first production release"

step "Resolve again: production now has the override"
show resolve --service checkout

step "The service's history, newest first"
show history --service checkout

step "The service's CI/CD view, with the ready-to-paste push command"
show ci show --service checkout

step "Done"

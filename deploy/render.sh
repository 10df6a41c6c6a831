#!/usr/bin/env bash
# Print an ECS/ALB/autoscaling JSON template of deploy/ecs with the values of an environment,
# for the one-time creation of what deploy.sh only updates. For example:
#
#   aws ecs create-service --cli-input-json "$(deploy/render.sh staging deploy/ecs/service-web.json)"
#   aws application-autoscaling put-scaling-policy \
#       --cli-input-json "$(deploy/render.sh staging deploy/ecs/autoscaling/web-cpu-policy.json)"
set -euo pipefail

USAGE="Uso: deploy/render.sh <staging|production> <plantilla.json> [versión]

  Imprime la plantilla con sus \${VARIABLES} sustituidas por los valores del entorno
  (deploy/ecs/environments/<entorno>.env y el entorno del proceso). La versión solo hace
  falta para las definiciones de tarea (\${IMAGE}, \${VERSION}). Falla si falta una variable."

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
    -h | --help)
        printf '%s\n' "$USAGE"
        exit 0
        ;;
esac
if (($# < 2 || $# > 3)); then
    usage_error "número de argumentos incorrecto."
fi
validate_environment "$1"
[[ -r $2 ]] || usage_error "no se puede leer la plantilla «$2»."
if (($# == 3)); then
    validate_version "$3"
    export VERSION=$3
fi

load_environment "$1"
if [[ -n ${AWS_ACCOUNT_ID:-} && -n ${VERSION:-} ]]; then
    export IMAGE="${ECR_REGISTRY:-$AWS_ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com}/${ECR_REPOSITORY:-chatnomina}:$VERSION"
fi

out=$(mktemp "${TMPDIR:-/tmp}/chatnomina-render.XXXXXX")
trap 'rm -f "$out"' EXIT
render "$2" "$out"
cat "$out"

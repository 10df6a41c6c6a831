#!/usr/bin/env bash
# Roll the ECS services of an environment back to an earlier task-definition revision.
#
# Without REVISION each service goes back to the newest ACTIVE revision of its family older
# than the one it runs now (deploy.sh deregisters the revisions of failed deploys, so they
# are never chosen). With REVISION every service goes to <family>:REVISION.
# --from VERSION only touches services whose current image is tagged VERSION (CI uses it
# after a failed deploy, when some services may never have left the previous version).
# Migrations are not reverted: they are forward-only and the previous code must run on
# the new schema (expand/contract).
set -euo pipefail

USAGE="Uso: deploy/rollback.sh [--dry-run] [--from <versión>] <staging|production> [revisión]

  Devuelve los servicios web, worker y scheduler del entorno a la revisión anterior de su
  definición de tarea (o a la revisión indicada), espera a que estén estables y hace
  pruebas de humo de /health y /ready. Las migraciones no se revierten.

  --dry-run          imprime cada orden (prefijo «+ ») sin ejecutar nada.
  --from <versión>   solo revierte los servicios cuya imagen actual tiene esa etiqueta.

Variables (valores por omisión en deploy/ecs/environments/<entorno>.env):
  AWS_REGION, ECS_CLUSTER, APP_URL"

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

positional=()
from_version=""
while (($# > 0)); do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --from)
            (($# >= 2)) || usage_error "falta la versión después de --from."
            from_version=$2
            shift
            ;;
        --from=*) from_version=${1#--from=} ;;
        -h | --help)
            printf '%s\n' "$USAGE"
            exit 0
            ;;
        -*) usage_error "opción desconocida «$1»." ;;
        *) positional+=("$1") ;;
    esac
    shift
done
if ((${#positional[@]} > 2)); then
    usage_error "demasiados argumentos."
fi
validate_environment "${positional[0]:-}"
ENV_NAME=${positional[0]}
REVISION=${positional[1]:-}
if [[ -n $REVISION && ! $REVISION =~ ^[1-9][0-9]*$ ]]; then
    usage_error "revisión inválida «$REVISION»: debe ser un número entero positivo (p. ej. 41)."
fi
if [[ -n $from_version ]]; then
    validate_version "$from_version"
fi

load_environment "$ENV_NAME"
require_tools aws curl
account=${AWS_ACCOUNT_ID:-$DRY_RUN_ACCOUNT}

if dry_run; then
    info "Modo --dry-run: se imprimen las órdenes; las respuestas de AWS son simuladas."
fi
info "Rollback en $ENV_NAME (clúster $ECS_CLUSTER)${REVISION:+ a la revisión $REVISION}${from_version:+ de los servicios en $from_version}."

declare -A TARGET=()
current="" image="" target="" arns=""
for service in "${SERVICES[@]}"; do
    name=$(service_name "$service")
    capture current "arn:aws:ecs:$AWS_REGION:$account:task-definition/chatnomina-$ENV_NAME-$service:12" \
        aws ecs describe-services --region "$AWS_REGION" --cluster "$ECS_CLUSTER" --services "$name" \
        --query 'services[0].taskDefinition' --output text
    if [[ ! $current =~ :task-definition/([^:/]+):([0-9]+)$ ]]; then
        die "no se pudo leer la definición de tarea del servicio $name en $ECS_CLUSTER (respuesta: «$current»)."
    fi
    family=${BASH_REMATCH[1]}
    revision=${BASH_REMATCH[2]}

    if [[ -n $from_version ]]; then
        capture image "$ECR_REPOSITORY:$from_version" \
            aws ecs describe-task-definition --region "$AWS_REGION" --task-definition "$current" \
            --query 'taskDefinition.containerDefinitions[0].image' --output text
        if [[ $image != *":$from_version" ]]; then
            info "$name ejecuta $image (no $from_version): se deja como está."
            continue
        fi
    fi

    if [[ -n $REVISION ]]; then
        if ((REVISION == revision)); then
            info "$name ya está en $family:$REVISION."
            continue
        fi
        capture target "arn:aws:ecs:$AWS_REGION:$account:task-definition/$family:$REVISION" \
            aws ecs describe-task-definition --region "$AWS_REGION" --task-definition "$family:$REVISION" \
            --query taskDefinition.taskDefinitionArn --output text
        [[ $target == *":task-definition/$family:$REVISION" ]] ||
            die "no existe la revisión $family:$REVISION."
    else
        fake_list=""
        for ((r = revision; r > 0 && r > revision - 3; r--)); do
            fake_list+="arn:aws:ecs:$AWS_REGION:$account:task-definition/$family:$r"$'\t'
        done
        capture arns "${fake_list%$'\t'}" \
            aws ecs list-task-definitions --region "$AWS_REGION" --family-prefix "$family" \
            --status ACTIVE --sort DESC --query taskDefinitionArns --output text
        target=""
        read -r -a candidates <<<"$arns"
        for arn in "${candidates[@]}"; do
            if [[ $arn =~ :task-definition/([^:/]+):([0-9]+)$ ]] &&
                [[ ${BASH_REMATCH[1]} == "$family" ]] && ((BASH_REMATCH[2] < revision)); then
                target=$arn
                break
            fi
        done
        [[ -n $target ]] || die "no hay una revisión ACTIVA de $family anterior a la $revision."
    fi
    TARGET[$name]=$target
    info "$name: $current -> $target"
done

if ((${#TARGET[@]} == 0)); then
    info "No hay servicios que revertir."
    exit 0
fi

expected=()
updated=()
for service in "${SERVICES[@]}"; do
    name=$(service_name "$service")
    [[ -n ${TARGET[$name]:-} ]] || continue
    run aws ecs update-service --region "$AWS_REGION" --cluster "$ECS_CLUSTER" --service "$name" \
        --task-definition "${TARGET[$name]}" --query service.taskDefinition --output text
    expected+=("$name=${TARGET[$name]}")
    updated+=("$name")
done

info "Esperando a que los servicios estén estables (hasta 10 minutos)..."
run aws ecs wait services-stable --region "$AWS_REGION" --cluster "$ECS_CLUSTER" \
    --services "${updated[@]}" ||
    die "los servicios no se estabilizaron tras el rollback: revise los eventos de ECS."
verify_services "${expected[@]}"
smoke_test

info "Rollback de $ENV_NAME completado."

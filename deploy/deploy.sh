#!/usr/bin/env bash
# Deploy one image version of ChatNomina to an ECS (Fargate) environment.
#
#   1. render and register the four task definitions (release, web, worker, scheduler)
#      with IMAGE=<registry>/<repository>:<VERSION>
#   2. run the release task (alembic upgrade head) and wait; stop if it did not exit 0
#   3. point the web, worker and scheduler services at the new revisions, wait until
#      they are stable and check that the circuit breaker did not roll them back
#   4. smoke-test /health and /ready of the environment's URL
#
# A failed deploy deregisters the revisions it registered, so rollback.sh never picks them.
set -euo pipefail

USAGE="Uso: deploy/deploy.sh [--dry-run] <staging|production> <versión>

  Despliega la imagen <registro ECR>/<repositorio>:<versión> en el clúster ECS del entorno:
  registra las definiciones de tarea, ejecuta las migraciones (tarea release), actualiza
  los servicios web, worker y scheduler, espera a que estén estables y hace pruebas de humo.

  --dry-run   imprime cada orden (prefijo «+ ») sin ejecutar nada.

Variables (valores por omisión en deploy/ecs/environments/<entorno>.env):
  AWS_ACCOUNT_ID  cuenta (por omisión, la de las credenciales: aws sts get-caller-identity)
  AWS_REGION, ECS_CLUSTER, APP_URL, ECR_REGISTRY, ECR_REPOSITORY, DB_HOST, REDIS_HOST, ...
  RELEASE_NETWORK_CONFIGURATION  red de la tarea release (JSON); por omisión la del servicio web"

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

positional=()
for arg in "$@"; do
    case "$arg" in
        --dry-run) DRY_RUN=1 ;;
        -h | --help)
            printf '%s\n' "$USAGE"
            exit 0
            ;;
        -*) usage_error "opción desconocida «$arg»." ;;
        *) positional+=("$arg") ;;
    esac
done
if ((${#positional[@]} > 2)); then
    usage_error "demasiados argumentos."
fi
validate_environment "${positional[0]:-}"
validate_version "${positional[1]:-}"
ENV_NAME=${positional[0]}
export VERSION=${positional[1]}

load_environment "$ENV_NAME"
require_tools aws curl

if dry_run; then
    info "Modo --dry-run: se imprimen las órdenes; las respuestas de AWS son simuladas."
fi
info "Desplegando $VERSION en $ENV_NAME (clúster $ECS_CLUSTER, región $AWS_REGION)."

if [[ -z ${AWS_ACCOUNT_ID:-} ]]; then
    capture AWS_ACCOUNT_ID "$DRY_RUN_ACCOUNT" aws sts get-caller-identity --query Account --output text
fi
export AWS_ACCOUNT_ID
export ECR_REGISTRY="${ECR_REGISTRY:-$AWS_ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com}"
export ECR_REPOSITORY="${ECR_REPOSITORY:-chatnomina}"
export IMAGE="$ECR_REGISTRY/$ECR_REPOSITORY:$VERSION"

image_digest="" network="" release_task="" release_result=""

# 0. The image must exist before anything changes.
capture image_digest "sha256:dry-run" aws ecr describe-images --region "$AWS_REGION" \
    --repository-name "$ECR_REPOSITORY" --image-ids "imageTag=$VERSION" \
    --query 'imageDetails[0].imageDigest' --output text
if [[ -z $image_digest || $image_digest == None ]]; then
    die "la imagen $IMAGE no existe en ECR."
fi
info "Imagen $IMAGE ($image_digest)."

# 1. Render and register the task definitions.
workdir=$(mktemp -d "${TMPDIR:-/tmp}/chatnomina-deploy.XXXXXX")
declare -A TASK_DEF=()
registered=()
deploy_succeeded=0

on_exit() {
    local status=$?
    if ((status != 0 && deploy_succeeded == 0 && ${#registered[@]} > 0)) && ! dry_run; then
        warn "el despliegue falló: se dan de baja las revisiones registradas (${registered[*]}) para que rollback.sh no las elija."
        local arn
        for arn in "${registered[@]}"; do
            run aws ecs deregister-task-definition --region "$AWS_REGION" --task-definition "$arn" \
                --query taskDefinition.status --output text >/dev/null || true
        done
        warn "Para volver a la versión anterior de los servicios: deploy/rollback.sh $ENV_NAME"
    fi
    if dry_run; then
        info "Definiciones de tarea preparadas (dry-run) en $workdir"
    else
        rm -rf "$workdir"
    fi
    return "$status"
}
trap on_exit EXIT

for role in "${TASK_ROLES[@]}"; do
    render "$ECS_DIR/task-$role.json" "$workdir/task-$role.json"
done
for role in "${TASK_ROLES[@]}"; do
    capture "TASK_DEF[$role]" \
        "arn:aws:ecs:$AWS_REGION:$AWS_ACCOUNT_ID:task-definition/chatnomina-$ENV_NAME-$role:dry-run" \
        aws ecs register-task-definition --region "$AWS_REGION" \
        --cli-input-json "file://$workdir/task-$role.json" \
        --query taskDefinition.taskDefinitionArn --output text
    registered+=("${TASK_DEF[$role]}")
    info "Registrada ${TASK_DEF[$role]}"
done

# 2. Migrations: the release task, in the web service's subnets and security groups.
if [[ -n ${RELEASE_NETWORK_CONFIGURATION:-} ]]; then
    network=$RELEASE_NETWORK_CONFIGURATION
else
    capture network \
        '{"awsvpcConfiguration":{"subnets":["subnet-dry-run"],"securityGroups":["sg-dry-run"],"assignPublicIp":"DISABLED"}}' \
        aws ecs describe-services --region "$AWS_REGION" --cluster "$ECS_CLUSTER" \
        --services "$(service_name web)" --query 'services[0].networkConfiguration' --output json
fi
if [[ -z $network || $network == null ]]; then
    die "no se pudo leer la red del servicio $(service_name web) en $ECS_CLUSTER: ¿existe el servicio? (deploy/ecs/service-web.json)"
fi

capture release_task "arn:aws:ecs:$AWS_REGION:$AWS_ACCOUNT_ID:task/$ECS_CLUSTER/dry-run" \
    aws ecs run-task --region "$AWS_REGION" --cluster "$ECS_CLUSTER" \
    --task-definition "${TASK_DEF[release]}" --launch-type FARGATE --count 1 \
    --started-by "deploy-${VERSION//./-}" --network-configuration "$network" \
    --query 'tasks[0].taskArn' --output text
if [[ -z $release_task || $release_task == None ]]; then
    die "ECS no lanzó la tarea de migraciones (revise 'failures' con la misma orden sin --query)."
fi
info "Migraciones en curso: $release_task"

run aws ecs wait tasks-stopped --region "$AWS_REGION" --cluster "$ECS_CLUSTER" --tasks "$release_task" ||
    die "la tarea de migraciones no terminó a tiempo: $release_task. Los servicios NO se actualizaron."

capture release_result $'0\tEssential container in task exited' \
    aws ecs describe-tasks --region "$AWS_REGION" --cluster "$ECS_CLUSTER" --tasks "$release_task" \
    --query "[tasks[0].containers[?name=='release'].exitCode | [0], tasks[0].stoppedReason]" --output text
release_exit=${release_result%%$'\t'*}
release_reason=${release_result#*$'\t'}
if [[ $release_exit != 0 ]]; then
    die "las migraciones fallaron (código de salida: $release_exit; motivo: $release_reason). Los servicios NO se actualizaron. Logs: CloudWatch /ecs/chatnomina-$ENV_NAME, prefijo release."
fi
info "Migraciones aplicadas."

# 3. Services.
expected=()
for service in "${SERVICES[@]}"; do
    run aws ecs update-service --region "$AWS_REGION" --cluster "$ECS_CLUSTER" \
        --service "$(service_name "$service")" --task-definition "${TASK_DEF[$service]}" \
        --query service.taskDefinition --output text
    expected+=("$(service_name "$service")=${TASK_DEF[$service]}")
done

info "Esperando a que los servicios estén estables (hasta 10 minutos)..."
stable_services=()
for service in "${SERVICES[@]}"; do
    stable_services+=("$(service_name "$service")")
done
run aws ecs wait services-stable --region "$AWS_REGION" --cluster "$ECS_CLUSTER" \
    --services "${stable_services[@]}" ||
    die "los servicios no se estabilizaron. Revise los eventos del servicio; para volver atrás: deploy/rollback.sh $ENV_NAME"
verify_services "${expected[@]}"

# 4. Smoke tests.
smoke_test

deploy_succeeded=1
info "Despliegue de $VERSION en $ENV_NAME completado."

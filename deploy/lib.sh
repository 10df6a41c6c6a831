# shellcheck shell=bash
# Shared helpers of deploy.sh, rollback.sh and render.sh. Sourced, never executed.
#
# Conventions: every external command goes through `run` or `capture`, which print it as
# "+ command args" on stdout (the plan, in --dry-run) and run it unless DRY_RUN=1.
# Messages for the operator are Spanish and go to stderr ("==> ", "AVISO: ", "ERROR: ").

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ECS_DIR="$DEPLOY_DIR/ecs"
DRY_RUN=0
# The scripts that source this file use these globals (hence the SC2034 directives).
# shellcheck disable=SC2034
# Long-running ECS services, in the order they are updated.
SERVICES=(web worker scheduler)
# shellcheck disable=SC2034
# Task definitions a deploy registers: release (migrations) first, then the services.
TASK_ROLES=(release web worker scheduler)
# shellcheck disable=SC2034
# Stands in for the account in --dry-run when AWS_ACCOUNT_ID is not set.
DRY_RUN_ACCOUNT=123456789012

info() {
    if [[ $DRY_RUN == 1 ]]; then
        printf '==> [dry-run] %s\n' "$*" >&2
    else
        printf '==> %s\n' "$*" >&2
    fi
}
warn() { printf 'AVISO: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}
# USAGE is set by each script before sourcing this file.
usage_error() {
    printf 'ERROR: %s\n' "$1" >&2
    printf '%s\n' "$USAGE" >&2
    exit 2
}

# Quote one argument for display only when the shell would need it.
shell_quote() {
    if [[ $1 =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
        printf '%s' "$1"
    else
        local quote="'\\''"
        printf "'%s'" "${1//\'/$quote}"
    fi
}

trace() {
    local line='+' arg
    for arg in "$@"; do
        line+=" $(shell_quote "$arg")"
    done
    printf '%s\n' "$line"
}

dry_run() { [[ $DRY_RUN == 1 ]]; }

# run CMD...: print the command, then run it (not in --dry-run).
run() {
    trace "$@"
    if dry_run; then
        return 0
    fi
    "$@"
}

# capture VAR FAKE CMD...: print the command, run it and store its stdout in VAR; in
# --dry-run store FAKE, a plausible answer, so the rest of the plan can be printed.
capture() {
    local __var=$1 __fake=$2 __out
    shift 2
    trace "$@"
    if dry_run; then
        printf -v "$__var" '%s' "$__fake"
        return 0
    fi
    if ! __out=$("$@"); then
        die "falló la orden: $*"
    fi
    printf -v "$__var" '%s' "$__out"
}

validate_environment() {
    case "${1:-}" in
        staging | production) ;;
        "") usage_error "falta el entorno (staging o production)." ;;
        *) usage_error "entorno inválido «$1»: use staging o production." ;;
    esac
}

# Docker tag grammar; "latest" is refused because it cannot be rolled back to.
validate_version() {
    local version=${1:-}
    if [[ -z $version ]]; then
        usage_error "falta la versión (la etiqueta de la imagen, p. ej. v1.2.3 o el SHA del commit)."
    fi
    if [[ ! $version =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
        usage_error "versión inválida «$version»: debe ser una etiqueta de imagen (letras, dígitos, '.', '_', '-'; máximo 128)."
    fi
    if [[ $version == latest ]]; then
        usage_error "la versión «latest» no se despliega: use una etiqueta inmutable (v1.2.3 o el SHA)."
    fi
}

# load_environment ENV: ENVIRONMENT=ENV, then every NAME=value of ecs/environments/ENV.env
# that the caller's environment does not already define.
load_environment() {
    local file="$ECS_DIR/environments/$1.env" line key value
    [[ -r $file ]] || die "no se encontró la configuración del entorno: $file"
    export ENVIRONMENT=$1
    while IFS= read -r line || [[ -n $line ]]; do
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        if [[ ! $line =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]]; then
            die "línea inválida en $file: $line"
        fi
        key=${BASH_REMATCH[1]}
        value=${BASH_REMATCH[2]}
        if [[ -z ${!key+x} ]]; then
            printf -v "$key" '%s' "$value"
        fi
        export "${key?}"
    done <"$file"
    export ECS_CLUSTER="${ECS_CLUSTER:-chatnomina-$1}"
    export SERVICE_PREFIX="${SERVICE_PREFIX:-chatnomina}"
    [[ -n ${APP_URL:-} ]] || die "APP_URL no está definida para $1."
    [[ -n ${AWS_REGION:-} ]] || die "AWS_REGION no está definida para $1."
    APP_URL=${APP_URL%/}
}

service_name() { printf '%s-%s' "$SERVICE_PREFIX" "$1"; }

# render TEMPLATE OUT: replace every ${NAME} of TEMPLATE with the value of NAME. Fails on
# an unset NAME and on values that would break the JSON (quotes, backslashes, controls).
render() {
    local template=$1 out=$2 content name value
    local -a names
    content=$(<"$template")
    # shellcheck disable=SC2016  # the ${NAME} are literal placeholders
    mapfile -t names < <(grep -o '\${[A-Za-z_][A-Za-z0-9_]*}' "$template" | sort -u | sed 's/^\${\(.*\)}$/\1/')
    for name in "${names[@]}"; do
        if [[ -z ${!name+x} ]]; then
            die "falta la variable $name para preparar $(basename "$template")."
        fi
        value=${!name}
        if [[ $value == *\"* || $value == *\\* || $value =~ [[:cntrl:]] ]]; then
            die "el valor de $name contiene caracteres no permitidos (comillas, barra invertida o de control)."
        fi
        content=${content//"\${$name}"/"$value"}
    done
    printf '%s\n' "$content" >"$out"
}

# smoke_test: /health (the process answers) and /ready (its dependencies answer).
smoke_test() {
    local path
    for path in /health /ready; do
        run curl -fsS --max-time 10 --retry 6 --retry-delay 5 --retry-all-errors -o /dev/null "$APP_URL$path" ||
            die "la prueba de humo falló: $APP_URL$path no respondió 200."
    done
    info "Pruebas de humo correctas en $APP_URL (/health y /ready)."
}

# verify_services EXPECTED...: after services-stable, each service must run the task
# definition we asked for; otherwise the circuit breaker rolled the deployment back.
# EXPECTED are "service=taskDefinitionArn" pairs.
verify_services() {
    local -A want=()
    local pair current="" fake="" names=() name arn
    for pair in "$@"; do
        want[${pair%%=*}]=${pair#*=}
        names+=("${pair%%=*}")
        fake+="${pair%%=*}"$'\t'"${pair#*=}"$'\n'
    done
    capture current "$fake" aws ecs describe-services --region "$AWS_REGION" --cluster "$ECS_CLUSTER" \
        --services "${names[@]}" \
        --query 'services[].[serviceName,taskDefinition]' --output text
    for name in "${names[@]}"; do
        arn=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' <<<"$current")
        if [[ $arn != "${want[$name]}" ]]; then
            die "el servicio $name quedó en «${arn:-desconocida}» en lugar de «${want[$name]}»: ECS revirtió el despliegue (circuit breaker). Revise los eventos con: aws ecs describe-services --cluster $ECS_CLUSTER --services $name"
        fi
    done
}

require_tools() {
    dry_run && return 0
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || die "no se encontró «$tool» en el PATH."
    done
}

#!/bin/sh
# Entrypoint of the ChatNomina image: one image for every process type.
#
#   web | worker | scheduler | release   -> the Procfile command of that process type
#   anything else                         -> run as given (e.g. `chatnomina backup`, `sh`)
#
# tini is PID 1 (see the Dockerfile) and forwards SIGTERM; `exec` makes the application a
# direct child of tini so it receives the signal and can shut down gracefully.
set -eu

if [ "$#" -eq 0 ]; then
    set -- web
fi

case "$1" in
    web)
        shift
        set -- chatnomina serve "$@"
        ;;
    worker)
        shift
        set -- chatnomina worker "$@"
        ;;
    scheduler)
        shift
        set -- chatnomina scheduler "$@"
        ;;
    release)
        shift
        set -- chatnomina migrate "$@"
        ;;
esac

exec "$@"

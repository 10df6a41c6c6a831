"""``chatnomina users create`` and ``chatnomina clients create``."""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import sys

from chatnomina.auth import passwords, tokens
from chatnomina.auth.principal import ROLES
from chatnomina.cli import load_settings
from chatnomina.db import create_pool
from chatnomina.errors import ChatNominaError

SCOPES = ("payroll:read", "payroll:run", "hr:import", "exports", "employees:read", "chat")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``users`` and ``clients`` subcommands."""
    users = sub.add_parser("users", help="cuentas de usuario").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="crea un usuario (contraseña por stdin o generada)")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, action="append", choices=ROLES,
                        help="rol; repita la opción para varios")
    create.add_argument("--document", help="cédula del empleado al que se vincula")
    create.add_argument("--name", help="nombre para mostrar")
    create.set_defaults(run=create_user)

    clients = sub.add_parser("clients", help="clientes de integración").add_subparsers(dest="action", required=True)
    create_client = clients.add_parser("create", help="crea un cliente e imprime su secreto una sola vez")
    create_client.add_argument("--name", required=True)
    create_client.add_argument("--scopes", required=True, help=f"separados por comas: {', '.join(SCOPES)}")
    create_client.set_defaults(run=create_client_command)


def _read_password() -> tuple[str, bool]:
    if not sys.stdin.isatty():
        supplied = sys.stdin.readline().rstrip("\n")
        if supplied:
            return supplied, False
    return passwords.generate_password(), True


def create_user(args: argparse.Namespace) -> int:
    """Create the user; print the generated password once when none came on stdin."""
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", args.email):
        print(f"Correo inválido: {args.email}", file=sys.stderr)
        return 1
    password, generated = _read_password()
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        print(f"La contraseña debe tener al menos {passwords.MIN_PASSWORD_LENGTH} caracteres.", file=sys.stderr)
        return 1
    settings = load_settings()

    async def run() -> int:
        from chatnomina.stores.users import create_user as store_create

        pool = await create_pool(settings, min_size=0, max_size=1)
        try:
            user = await store_create(
                pool, email=args.email, password_hash=passwords.hash_password(password),
                roles=sorted(set(args.role)), document=args.document, display_name=args.name,
            )
        finally:
            await pool.close()
        print(f"Usuario creado: id {user.id}, {user.email}, roles {', '.join(user.roles)}")
        if generated:
            print(f"Contraseña generada (se muestra una sola vez): {password}")
        return 0

    try:
        return asyncio.run(run())
    except ChatNominaError as exc:
        print(exc.message, file=sys.stderr)
        return 1


def create_client_command(args: argparse.Namespace) -> int:
    """Create an integration client; its secret is printed once and stored hashed."""
    scopes = sorted({scope.strip() for scope in args.scopes.split(",") if scope.strip()})
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        print(f"Scopes desconocidos: {', '.join(unknown) or '(ninguno)'}. Válidos: {', '.join(SCOPES)}",
              file=sys.stderr)
        return 1
    settings = load_settings()
    client_id = "cn_" + secrets.token_hex(8)
    secret = tokens.new_refresh_token()

    async def run() -> None:
        from chatnomina.stores.clients import create_client

        pool = await create_pool(settings, min_size=0, max_size=1)
        try:
            await create_client(pool, client_id=client_id, name=args.name,
                                secret_hash=tokens.hash_token(secret), scopes=scopes)
        finally:
            await pool.close()

    asyncio.run(run())
    print(f"Cliente creado: {args.name}")
    print(f"client_id: {client_id}")
    print(f"client_secret (se muestra una sola vez): {secret}")
    print(f"scopes: {' '.join(scopes)}")
    return 0

"""``chatnomina ask --document DOC "pregunta"`` and ``chatnomina nlu eval FILE.jsonl``.

``ask`` answers as the employee with that document and prints the same JSON as
``POST /api/v1/chat/message``. When a user is linked to the document the turn goes through
the chat service: it is stored in a conversation (a new one, or ``--conversation ID`` to
continue one, so follow-ups work across calls) and published like any chat message
(``"persisted": true``). When no user is linked, or with ``--no-persist``, the assistant
answers without storing anything and the JSON says ``"persisted": false`` (``conversation_id``
and the message ids are then null). Relative periods use ``CHATNOMINA_TODAY`` when set.

``nlu eval`` scores the intent classifier on labelled lines ``{"text", "intent"}`` (or on the
shipped held-out split with ``--heldout``) and prints ``{"accuracy", "macro_f1", "per_intent"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

from chatnomina.cli import load_settings
from chatnomina.errors import ChatNominaError
from chatnomina.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``ask`` and ``nlu eval``."""
    ask = sub.add_parser("ask", help="pregunta al asistente como un empleado e imprime el JSON del chat")
    ask.add_argument("--document", required=True, help="cédula del empleado que pregunta")
    ask.add_argument("--conversation", type=uuid.UUID, help="continúa esta conversación (solo si se guarda)")
    ask.add_argument("--no-persist", action="store_true", help="responde sin guardar la conversación")
    ask.add_argument("question", metavar="PREGUNTA")
    ask.set_defaults(run=ask_command)

    nlu = sub.add_parser("nlu", help="comprensión del lenguaje del asistente").add_subparsers(dest="action",
                                                                                           required=True)
    evaluate = nlu.add_parser("eval", help="exactitud y macro-F1 de intenciones sobre un archivo JSONL")
    evaluate.add_argument("file", metavar="FILE.jsonl", nargs="?", type=Path)
    evaluate.add_argument("--heldout", action="store_true", help="evalúa la partición de prueba del proyecto")
    evaluate.add_argument("--errors", action="store_true", help="incluye las frases mal clasificadas")
    evaluate.set_defaults(run=nlu_eval_command)


# -- ask ---------------------------------------------------------------------------------------


async def ask_as(
    settings: Settings, document: str, question: str, *, persist: bool = True,
    conversation_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The chat's JSON for ``question`` asked by the employee ``document`` (stored when a user is linked)."""
    from chatnomina.assistant.service import Assistant
    from chatnomina.auth.principal import Principal
    from chatnomina.db import create_pool
    from chatnomina.stores.users import get_user_by_document

    assistant = await Assistant.load(settings)
    pool = await create_pool(settings, min_size=0, max_size=2)
    try:
        user = await get_user_by_document(pool, document)
        if persist and user is not None and user.active:
            return await _persisted(settings, pool, assistant, user, question, conversation_id)
        principal = Principal(subject=f"user:{user.id}" if user else "cli", kind="user",
                              roles=frozenset(user.roles) if user else frozenset({"employee"}), document=document)
        reply = await assistant.respond(pool, principal=principal, text=question.strip(), context={})
        return {
            "conversation_id": None,
            "message": {"id": None, "sender": "user", "text": question.strip()},
            "response": {"id": None, "text": reply.text, **reply.payload()},
            "handoff": reply.handoff,
            "persisted": False,
            "note": ("Respuesta calculada sin guardar: " + (
                "se pidió --no-persist." if not persist else "no hay un usuario vinculado a ese documento.")),
        }
    finally:
        await pool.close()


async def _persisted(settings: Settings, pool: Any, assistant: Any, user: Any, question: str,
                     conversation_id: uuid.UUID | None) -> dict[str, Any]:
    from chatnomina.auth.principal import Principal
    from chatnomina.redis import create_redis
    from chatnomina.services.chat import ChatDeps, post_message

    redis = create_redis(settings)
    try:
        principal = Principal(subject=user.subject, kind="user", roles=frozenset(user.roles), document=user.document)
        turn = await post_message(ChatDeps(pool, redis, settings, assistant), principal, question,
                                  conversation_id=conversation_id)
    finally:
        await redis.aclose()
    return {**turn.to_dict(), "persisted": True}


def ask_command(args: argparse.Namespace) -> int:
    """Print the chat JSON of one question; exit 1 when it could not be answered."""
    settings = load_settings()
    from chatnomina.logs import configure_logging

    configure_logging("warning", environment=settings.environment)
    try:
        result = asyncio.run(ask_as(settings, args.document, args.question, persist=not args.no_persist,
                                    conversation_id=args.conversation))
    except ChatNominaError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"No se pudo conectar a la base de datos o a Redis: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


# -- nlu eval ----------------------------------------------------------------------------------


def read_rows(text: str) -> list[dict[str, Any]]:
    """Labelled rows ``{"text", "intent"}`` of a JSONL document (blank lines skipped)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not isinstance(row.get("intent"), str):
            raise ValueError(f"línea {number}: se esperaba {{\"text\", \"intent\"}}")  # noqa: TRY004 - bad input
        rows.append(row)
    return rows


def heldout_text() -> str:
    """The project's held-out split, shipped with the package."""
    return (resources.files("chatnomina.assistant").joinpath("data").joinpath("heldout.jsonl")
            .read_text(encoding="utf-8"))


def evaluation(rows: list[dict[str, Any]], *, errors: bool = False) -> dict[str, Any]:
    """``{"count", "accuracy", "macro_f1", "per_intent"}`` (and ``errors`` when asked)."""
    from chatnomina.assistant.nlu import evaluate

    result = evaluate(rows)
    out = {key: result[key] for key in ("count", "accuracy", "macro_f1", "per_intent")}
    if errors:
        out["errors"] = result["errors"]
    return out


def nlu_eval_command(args: argparse.Namespace) -> int:
    """Print the evaluation JSON of a labelled file or of the held-out split."""
    if args.heldout == (args.file is not None):
        print("Indique un archivo FILE.jsonl o --heldout (uno de los dos).", file=sys.stderr)
        return 2
    try:
        text = heldout_text() if args.heldout else args.file.read_text(encoding="utf-8")
        rows = read_rows(text)
    except OSError as exc:
        print(f"No se pudo leer {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Archivo inválido: {exc}", file=sys.stderr)
        return 1
    if not rows:
        print("El archivo no tiene filas.", file=sys.stderr)
        return 1
    result = evaluation(rows, errors=args.errors)
    if args.heldout:
        result = {"split": "heldout", **result}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0

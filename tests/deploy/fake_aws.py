"""A stand-in for the `aws` CLI in the deploy/rollback script tests.

It answers the handful of calls deploy.sh and rollback.sh make, from and into a JSON state
file (FAKE_AWS_STATE), and records every call there, so tests can check what a script did.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def parse(argv: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Positional words and --option values (options may take several values)."""
    words: list[str] = []
    options: dict[str, list[str]] = {}
    key = None
    for arg in argv:
        if arg.startswith("--"):
            key = arg[2:]
            options[key] = []
        elif key is None:
            words.append(arg)
        else:
            options[key].append(arg)
    return words, options


def arn(state: dict[str, Any], family: str, revision: int) -> str:
    return f"arn:aws:ecs:us-east-1:{state['account']}:task-definition/{family}:{revision}"


def main(argv: list[str]) -> int:
    path = Path(os.environ["FAKE_AWS_STATE"])
    state = json.loads(path.read_text())
    state["calls"].append(argv)
    try:
        return answer(state, argv)
    finally:
        path.write_text(json.dumps(state))


def answer(state: dict[str, Any], argv: list[str]) -> int:
    words, options = parse(argv)
    one = {key: values[0] if values else "" for key, values in options.items()}
    query = one.get("query", "")
    command = " ".join(words[:2])
    out = sys.stdout.write

    if command == "sts get-caller-identity":
        out(state["account"] + "\n")
    elif command == "ecr describe-images":
        out("sha256:0123abcd\n")
    elif command == "ecs register-task-definition":
        text = Path(one["cli-input-json"].removeprefix("file://")).read_text()
        if "${" in text:
            sys.stderr.write("unrendered placeholder\n")
            return 254
        definition = json.loads(text)
        family = definition["family"]
        revision = state["revisions"].get(family, 41) + 1
        state["revisions"][family] = revision
        new = arn(state, family, revision)
        state["active"].setdefault(family, []).insert(0, new)
        state["images"][new] = definition["containerDefinitions"][0]["image"]
        state["registered"].append(definition)
        out(new + "\n")
    elif command == "ecs describe-services":
        services = options["services"]
        if "networkConfiguration" in query:
            out(
                json.dumps(
                    {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}}
                )
                + "\n"
            )
        elif query == "services[0].taskDefinition":
            out(state["current"][services[0]] + "\n")
        else:
            out("".join(f"{name}\t{state['current'][name]}\n" for name in services))
    elif command == "ecs run-task":
        out("arn:aws:ecs:us-east-1:111122223333:task/cluster/0a1b2c3d\n")
    elif command == "ecs wait":
        return 255 if state.get("wait_fails") == words[2] else 0
    elif command == "ecs describe-tasks":
        out(f"{state['release_exit']}\tEssential container in task exited\n")
    elif command == "ecs update-service":
        if not state.get("circuit_breaker"):
            state["current"][one["service"]] = one["task-definition"]
        out(one["task-definition"] + "\n")
    elif command == "ecs deregister-task-definition":
        target = one["task-definition"]
        for arns in state["active"].values():
            if target in arns:
                arns.remove(target)
        out("INACTIVE\n")
    elif command == "ecs list-task-definitions":
        out("\t".join(state["active"].get(one["family-prefix"], [])) + "\n")
    elif command == "ecs describe-task-definition":
        wanted = one["task-definition"]
        known = [a for a in state["images"] if a == wanted or a.endswith("/" + wanted)]
        if not known:
            sys.stderr.write(
                "An error occurred (ClientException): Unable to describe task definition.\n"
            )
            return 254
        out((state["images"][known[0]] if "image" in query else known[0]) + "\n")
    else:
        sys.stderr.write(f"fake aws: unexpected call {argv}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

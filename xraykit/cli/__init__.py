"""The ``xraykit`` command: one subcommand per module in this package.

Each subcommand module defines ``register(subparsers)``, which adds exactly one parser (named as in
:data:`COMMANDS`) and sets
``func`` (taking the parsed arguments, returning the exit status). Subcommand modules are imported
only when the command line names them, so ``xraykit catalog`` never loads the simulator.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from xraykit.errors import XrayKitError

# subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "catalog": (
        "xraykit.cli.catalog",
        "look up X-Ray actions, resource types, condition keys and managed policies",
    ),
    "simulate": ("xraykit.cli.simulate", "decide requests the way IAM does, and say why"),
    "lint": ("xraykit.cli.lint", "find what a policy really does that its author may not mean"),
    "least-privilege": ("xraykit.cli.least_privilege", "write the smallest policy for a task"),
    "diff": ("xraykit.cli.diff", "compare what two policies allow over the X-Ray domain"),
    "credentials": ("xraykit.cli.credentials", "show which credentials the SDK and the daemon would use"),
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser; only the module of ``selected`` is imported to fill in its options."""
    parser = argparse.ArgumentParser(
        prog="xraykit", description="Learn and check how AWS X-Ray works with IAM."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        if name == selected:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (2 for bad input)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    selected = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(selected if selected in COMMANDS else None)
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0 if not args_list else 2
    try:
        status: int = func(args)
    except XrayKitError as error:
        print(f"xraykit: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    return status

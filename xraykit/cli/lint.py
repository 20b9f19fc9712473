"""``xraykit lint``: what a policy really does that its author may not mean, like a code linter.

::

    xraykit lint policy.json            # findings, readably
    xraykit lint --json policy.json     # for machines
    xraykit lint AWSXrayFullAccess      # a managed policy by name

Exit status: 1 when any finding is an error, 0 otherwise (warnings and suggestions do not fail a
build), 2 when a file cannot be read or is not JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from xraykit.errors import Issue, XrayKitError, did_you_mean, load_json
from xraykit.grammar import KIND_NAMES


def register(subparsers: Any) -> None:
    """Add the ``lint`` parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "lint",
        help="find what a policy really does that its author may not mean",
        description="Lint IAM policies for X-Ray (and any service). "
        "Exit status: 1 when a finding is an error, 0 otherwise, 2 on unreadable input.",
    )
    p.add_argument(
        "policies",
        nargs="+",
        metavar="POLICY",
        help="a policy file, `-` for standard input, a JSON document, or an AWS managed policy name",
    )
    p.add_argument(
        "--kind", choices=sorted(KIND_NAMES), default="identity", help="where the policy is attached"
    )
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.add_argument("--brief", action="store_true", help="one line per finding")
    p.add_argument("--select", nargs="+", metavar="CODE", help="only these rules (codes or names)")
    p.add_argument("--ignore", nargs="+", default=[], metavar="CODE", help="leave out these rules")
    p.set_defaults(func=run)


def read_policy_argument(text: str, *, managed: bool = True) -> tuple[Any, str]:
    """``(document or managed policy name, source name)`` for a command-line policy argument.

    Args:
        text: a file path (``file://`` allowed), ``-`` for standard input, a JSON document
            (text starting with ``{`` or ``[``), or a managed policy name.
        managed: whether a managed policy name is taken (not for a file of requests).

    Returns:
        The parsed JSON (or the managed policy name) and a name for messages.

    Raises:
        XrayKitError: when the file cannot be read or is not JSON.
    """
    if text == "-":
        content, source = sys.stdin.read(), "<stdin>"
    elif text.lstrip().startswith(("{", "[")):
        content, source = text, "<argument>"
    else:
        path = Path(text.removeprefix("file://"))
        if (
            managed
            and not path.exists()
            and not text.lower().endswith(".json")
            and not text.startswith("file://")
        ):
            from xraykit import catalog

            names = catalog.managed_policy_names()
            if text in names:
                return text, text
            raise XrayKitError(
                Issue(
                    "",
                    f"`{text}` is neither a file nor a managed policy xraykit knows",
                    did_you_mean(text, names) or "give a policy file, `-` for standard input, or JSON",
                )
            )
        try:
            content, source = path.read_text("utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise XrayKitError(Issue("", f"cannot read `{text}`: {reason.lower()}")) from None
    return load_json(content, source), source


def run(args: argparse.Namespace) -> int:
    """Run ``xraykit lint``."""
    from xraykit.lint import lint

    results = []
    for text in args.policies:
        document, source = read_policy_argument(text)
        results.append(
            lint(document, KIND_NAMES[args.kind], source=source, select=args.select, ignore=args.ignore)
        )
    if args.json:
        payload: Any = [r.to_dict() for r in results]
        sys.stdout.write(json.dumps(payload if len(payload) > 1 else payload[0], indent=2) + "\n")
    else:
        sys.stdout.write("\n\n".join(r.text(details=not args.brief) for r in results) + "\n")
    return 1 if any(r.errors for r in results) else 0

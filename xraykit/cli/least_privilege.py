"""``xraykit least-privilege``: the smallest policy for a task, and the proof that it is.

::

    xraykit least-privilege --bundle daemon
    xraykit least-privilege --actions xray:GetGroup xray:UpdateGroup \\
        --resources arn:aws:xray:us-east-1:123456789012:group/local-users/ABC
    xraykit least-privilege --requests task.json     # [{"action": ..., "resource": ..., "context": {...}}]

Prints the policy JSON and the proof (``--json``: both as one JSON object). Exit status: 0 when the
proof holds, 1 when it does not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from xraykit.errors import Issue, XrayKitError


def register(subparsers: Any) -> None:
    """Add the ``least-privilege`` parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "least-privilege",
        help="write the smallest policy for a task",
        description="Write the smallest identity-based policy for a task and prove it by evaluation. "
        "Exit status: 0 when the proof holds, 1 when not, 2 on bad input.",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--bundle", metavar="NAME", help="an operation bundle, e.g. daemon")
    what.add_argument("--actions", nargs="+", metavar="ACTION", help="actions to allow (with --resources)")
    what.add_argument(
        "--requests",
        metavar="FILE",
        help="a JSON file (`-` for standard input, or the JSON itself): a list of {action, resource, "
        "context}",
    )
    p.add_argument("--resources", nargs="+", default=[], metavar="ARN", help="resources for --actions")
    p.add_argument("--key-arn", metavar="ARN", help="the KMS key of a bundle's key members")
    p.add_argument("--region", default="us-east-1", help="the region for kms:ViaService (default us-east-1)")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``xraykit least-privilege``."""
    from xraykit.cli.lint import read_policy_argument
    from xraykit.least_privilege import EXAMPLE_KEY_ARN, least_privilege

    key = args.key_arn or EXAMPLE_KEY_ARN
    if args.bundle:
        result = least_privilege(args.bundle, key_arn=key, region=args.region)
    elif args.actions:
        result = least_privilege(
            actions=args.actions, resources=args.resources, key_arn=key, region=args.region
        )
    else:
        requests, _ = read_policy_argument(args.requests, managed=False)
        if not isinstance(requests, list):
            raise XrayKitError(
                Issue(
                    "--requests",
                    "the file must hold a list of requests",
                    '[{"action": "xray:GetGroup", "resource": "arn:..."}]',
                )
            )
        result = least_privilege(requests, key_arn=key, region=args.region)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(result.text() + "\n")
    return 0 if result.proof.holds else 1

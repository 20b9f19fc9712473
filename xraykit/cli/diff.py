"""``xraykit diff``: what two policies allow differently over the X-Ray domain.

::

    xraykit diff before.json after.json
    xraykit diff AWSXrayReadOnlyAccess my-policy.json --json

The answer is complete for the domain (every X-Ray action × the resources it can name × the tag
and condition situations the policies test). Exit status: 0 when both allow the same requests,
1 when they differ, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``diff`` parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "diff",
        help="compare what two policies allow over the X-Ray domain",
        description="Compare what two policies allow over the X-Ray domain. "
        "Exit status: 0 same, 1 different, 2 bad input.",
    )
    p.add_argument("a", metavar="A", help="a policy file, a JSON document, or an AWS managed policy name")
    p.add_argument("b", metavar="B", help="the other policy")
    p.add_argument("--actions", nargs="+", metavar="ACTION", help="compare over these actions only")
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``xraykit diff``."""
    from xraykit.cli.lint import read_policy_argument
    from xraykit.compare import compare

    a, a_name = read_policy_argument(args.a)
    b, b_name = read_policy_argument(args.b)
    result = compare(a, b, a_name=a_name, b_name=b_name, actions=args.actions)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(result.text() + "\n")
    return 0 if result.same else 1

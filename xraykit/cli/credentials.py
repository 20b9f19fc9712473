"""``xraykit credentials``: which credentials the SDK and the X-Ray daemon would use.

::

    xraykit credentials --env-file ENV.json [--daemon-args "-o -n us-east-2"] [--daemon-version 3.6] [--json]
    xraykit credentials --example ec2-instance-profile
    xraykit credentials --list-examples

The environment file describes a virtual environment (variables, the text of the credentials and
config files, the platform); nothing is read from the real machine. Secrets are masked in every
output.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``credentials`` parser.

    Args:
        subparsers: the dispatcher's ``add_subparsers()`` object.
    """
    parser = subparsers.add_parser(
        "credentials",
        help="show which credentials the SDK and the daemon would use",
        description="Resolve credentials in a virtual environment the way botocore and the X-Ray daemon do.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--env-file", metavar="ENV.json", help="a JSON file describing the virtual environment"
    )
    source.add_argument(
        "--example", metavar="NAME", help="one of the example environments shipped with xraykit"
    )
    source.add_argument("--list-examples", action="store_true", help="list the example environments")
    parser.add_argument(
        "--daemon-args",
        metavar="FLAGS",
        help="the daemon's flags, e.g. \"-o -n us-east-2 -r ROLE_ARN\" (overrides the file's)",
    )
    parser.add_argument(
        "--daemon-version", metavar="VERSION", help="3.2.0, 3.3.0, 3.3.15 or 3.6 (default 3.6)"
    )
    parser.add_argument("--only", choices=("sdk", "daemon"), help="show only one resolver")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=_run)


def _run(args: Any) -> int:
    from dataclasses import replace

    from xraykit.credentials import (
        DaemonOptions,
        example,
        examples,
        load_environment,
        resolve_daemon,
        resolve_sdk,
    )
    from xraykit.errors import Issue, XrayKitError

    if args.list_examples:
        names = examples()
        print(json.dumps(names, indent=2) if args.json else "\n".join(names))
        return 0
    if args.env_file:
        environment, options = load_environment(args.env_file)
    elif args.example:
        environment, options = example(args.example)
    else:
        raise XrayKitError(
            Issue(
                "",
                "give an environment with `--env-file` or `--example`",
                hint="`xraykit credentials --list-examples` lists the examples",
            )
        )
    if args.daemon_args is not None:
        options = DaemonOptions.from_args(args.daemon_args)
    options = options or DaemonOptions()
    if args.daemon_version:
        options = replace(options, version=args.daemon_version)
    results = {}
    if args.only != "daemon":
        results["sdk"] = resolve_sdk(environment)
    if args.only != "sdk":
        results["daemon"] = resolve_daemon(environment, options)
    if args.json:
        out: dict[str, Any] = {
            "environment": environment.to_dict(),
            "daemon_args": options.to_args(),
            "daemon_version": options.version,
        }
        out.update({name: r.to_dict() for name, r in results.items()})
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(r.to_text() for r in results.values()))
    return 0

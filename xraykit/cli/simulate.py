"""``xraykit simulate``: decide requests the way IAM does, like ``aws iam simulate-custom-policy``.

One request::

    xraykit simulate --policy-input-list file://policy.json --action-names xray:GetGroup \\
        --resource-arns arn:aws:xray:us-east-1:123456789012:group/prod/ABC \\
        --context-entries aws:ResourceTag/team=core

Exit status: 0 allowed, 1 denied (implicitly or explicitly), 2 bad input.

A stream (``--jsonl``): JSON Lines cases on stdin, one answer line per case on stdout, in order.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from xraykit.errors import Issue, XrayKitError


def register(subparsers: Any) -> None:
    """Add the ``simulate`` parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "simulate",
        help="decide requests the way IAM does, and say why",
        description="Decide requests the way IAM does, and say why. "
        "Exit status: 0 allowed, 1 denied, 2 bad input.",
    )
    p.add_argument(
        "--policy-input-list",
        "--policy",
        dest="policies",
        action="append",
        default=[],
        metavar="POLICY",
        help="an identity-based policy: a file (file://PATH or PATH), a JSON document, or a managed policy "
        "name (repeatable)",
    )
    p.add_argument(
        "--permissions-boundary-policy-input-list",
        "--boundary",
        dest="boundaries",
        action="append",
        default=[],
        metavar="POLICY",
        help="a permissions boundary (repeatable)",
    )
    p.add_argument(
        "--scp",
        dest="scps",
        action="append",
        default=[],
        metavar="POLICY",
        help="a service control policy; each use adds one level, root first",
    )
    p.add_argument(
        "--rcp",
        dest="rcps",
        action="append",
        default=[],
        metavar="POLICY",
        help="a resource control policy; each use adds one level, root first",
    )
    p.add_argument("--session-policy", metavar="POLICY", help="the session policy")
    p.add_argument(
        "--resource-policy",
        metavar="POLICY",
        help="the resource-based policy (key policy, bucket policy ...)",
    )
    p.add_argument("--action-names", "--action", dest="actions", nargs="+", default=[], metavar="ACTION")
    p.add_argument("--resource-arns", "--resource", dest="resources", nargs="+", default=["*"], metavar="ARN")
    p.add_argument(
        "--caller-arn",
        "--principal",
        dest="principal",
        default=None,
        metavar="ARN",
        help="who asks (default arn:aws:iam::123456789012:user/alice)",
    )
    p.add_argument(
        "--resource-owner", dest="resource_account", metavar="ACCOUNT", help="the resource's account"
    )
    p.add_argument(
        "--context-entries",
        "--context",
        dest="context",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="context keys; repeat a key (or use KEY=a,b for a multivalued key) for several values",
    )
    p.add_argument("--json", action="store_true", help="print JSON for machines")
    p.add_argument("--brief", action="store_true", help="print the decision lines only, without the trace")
    p.add_argument(
        "--jsonl", action="store_true", help="read JSON Lines cases on stdin, write one answer per line"
    )
    p.set_defaults(func=run)


_OPTIONS = {  # the option each kind of policy comes from, to place a message
    "identity": "--policy-input-list",
    "boundary": "--permissions-boundary-policy-input-list",
    "scp": "--scp",
    "rcp": "--rcp",
    "session": "--session-policy",
    "resource": "--resource-policy",
}


def _policy_path(text: str) -> Path | None:
    """The file a policy argument names, or None for a JSON document or a managed policy name.

    ``file://PATH`` always names a file; so does a plain path to a file that exists, or one
    ending in ``.json`` (a missing one is then reported as a file that cannot be read, rather
    than as an unknown managed policy).
    """
    if text.startswith("file://"):
        return Path(text[len("file://") :])
    if text.lstrip().startswith("{"):
        return None
    path = Path(text)
    return path if path.is_file() or text.lower().endswith(".json") else None


def _policy_arg(text: str, what: str) -> Any:
    """A policy argument: a file (``file://PATH`` or a plain path), inline JSON, or a managed policy name."""
    path = _policy_path(text)
    if path is not None:
        try:
            content = path.read_text("utf-8")
        except OSError as error:
            reason = error.strerror.lower() if error.strerror else str(error)
            raise XrayKitError(Issue(_OPTIONS[what], f"cannot read `{path}`: {reason}")) from None
        from xraykit.policy import PolicyKind, parse_policy

        kinds = {
            "boundary": PolicyKind.BOUNDARY,
            "scp": PolicyKind.SCP,
            "rcp": PolicyKind.RCP,
            "session": PolicyKind.SESSION,
            "resource": PolicyKind.RESOURCE,
        }
        return parse_policy(content, kinds.get(what, PolicyKind.IDENTITY), name=path.name, source=str(path))
    return text


def _context(entries: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for entry in entries:
        key, sep, value = entry.partition("=")
        if not sep:
            raise XrayKitError(
                Issue("--context-entries", f"`{entry}` is not KEY=VALUE", "e.g. aws:ResourceTag/team=core")
            )
        values = value.split(",") if "," in value else [value]
        if key in out:
            previous = out[key] if isinstance(out[key], list) else [out[key]]
            out[key] = previous + values
        else:
            out[key] = values if len(values) > 1 else values[0]
    return out


_REQUEST_OPTIONS = {
    "action": "--action-names",
    "resource": "--resource-arns",
    "principal": "--caller-arn",
    "resource_account": "--resource-owner",
    "context": "--context-entries",
}


def _as_option(issue: Issue) -> Issue:
    """``issue`` with a request field's path (``resource_account``) told as its option."""
    head, dot, rest = issue.path.partition(".")
    option = _REQUEST_OPTIONS.get(head)
    if option is None or issue.source is not None:
        return issue
    return Issue(f"{option} {rest}" if dot else option, issue.message, issue.hint, issue.source)


def run(args: argparse.Namespace) -> int:
    """Run ``xraykit simulate``."""
    if args.jsonl:
        from xraykit.stream import run_stream, run_stream_bytes

        if hasattr(sys.stdin, "buffer") and hasattr(sys.stdout, "buffer"):  # (not when replaced by tests)
            sys.stdout.flush()
            return run_stream_bytes(sys.stdin.buffer, sys.stdout.buffer)
        return run_stream(sys.stdin, sys.stdout)
    from xraykit.engine import DEFAULT_PRINCIPAL, PolicySet
    from xraykit.render import evaluation_dict, evaluation_text

    if not args.actions:
        raise XrayKitError(
            Issue("--action-names", "name at least one action", "e.g. --action-names xray:GetGroup")
        )
    policies = PolicySet(
        identity_policies=[_policy_arg(p, "identity") for p in args.policies],
        permission_boundaries=[_policy_arg(p, "boundary") for p in args.boundaries] or None,
        scps=[[_policy_arg(p, "scp")] for p in args.scps] or None,
        rcps=[[_policy_arg(p, "rcp")] for p in args.rcps] or None,
        session_policy=_policy_arg(args.session_policy, "session") if args.session_policy else None,
        resource_policy=_policy_arg(args.resource_policy, "resource") if args.resource_policy else None,
    )
    context = _context(args.context)
    results = []
    try:
        for action in args.actions:
            for resource in args.resources:
                results.append(
                    policies.evaluate(
                        action,
                        resource,
                        principal=args.principal or DEFAULT_PRINCIPAL,
                        context=context,
                        resource_account=args.resource_account,
                    )
                )
    except XrayKitError as error:  # a request's field is named by the option that gave it
        raise XrayKitError([_as_option(issue) for issue in error.issues]) from None
    out: TextIO = sys.stdout
    if args.json:
        out.write(json.dumps([evaluation_dict(r) for r in results], indent=2) + "\n")
    else:
        out.write("\n\n".join(evaluation_text(r, details=not args.brief) for r in results) + "\n")
    return 0 if all(r.allowed for r in results) else 1

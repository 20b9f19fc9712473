"""``xraykit catalog``: look up actions, wildcards, condition keys and managed policies.

::

    xraykit catalog list [--service xray] [--access-level Read] [--resource-type group]
    xraykit catalog show xray:GetGroup
    xraykit catalog expand 'xray:Get*'
    xraykit catalog key aws:ResourceTag/env
    xraykit catalog policy [NAME] [--version v5] [--diff v3]

Add ``--json`` for machine-readable output. Text output is aligned columns, deterministic.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = ["register"]

_WIDTH = 100  # text output wraps long values at this width


def register(subparsers: Any) -> None:
    """Add the ``catalog`` parser and its subcommands.

    Args:
        subparsers: the dispatcher's ``add_subparsers()`` object.
    """
    parser = subparsers.add_parser(
        "catalog",
        help="look up X-Ray actions, resource types, condition keys and managed policies",
        description="Look up IAM actions, wildcards, condition keys and the managed policies xraykit holds.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    sub = parser.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND")
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON instead of text"
    )

    p = sub.add_parser("list", parents=[json_flag], help="list a service's actions")
    p.add_argument("--service", default="xray", help="service prefix (default: xray)")
    p.add_argument("--access-level", help="Read, Write, List, Tagging or 'Permissions management'")
    p.add_argument("--resource-type", help="only actions that can be scoped to this resource type")
    p.set_defaults(func=_list)

    p = sub.add_parser("show", parents=[json_flag], help="show one action")
    p.add_argument("action", metavar="ACTION", help="e.g. xray:GetGroup (case-insensitive)")
    p.set_defaults(func=_show)

    p = sub.add_parser("expand", parents=[json_flag], help="list the actions an IAM wildcard matches")
    p.add_argument("pattern", metavar="PATTERN", help="e.g. 'xray:Get*'")
    p.set_defaults(func=_expand)

    p = sub.add_parser("key", parents=[json_flag], help="show a condition key's type")
    p.add_argument("key", metavar="KEY", help="e.g. aws:TagKeys or aws:ResourceTag/env")
    p.set_defaults(func=_key)

    p = sub.add_parser(
        "policy", parents=[json_flag], help="show a managed policy, or how two versions differ"
    )
    p.add_argument("name", metavar="NAME", nargs="?", help="e.g. AWSXrayReadOnlyAccess; omit to list them")
    p.add_argument("--version", help="the version to show (default: the current one)")
    p.add_argument("--diff", metavar="OLD", help="show what changed from version OLD to --version")
    p.set_defaults(func=_policy)

    parser.set_defaults(func=_help(parser))


def _help(parser: argparse.ArgumentParser) -> Any:
    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return show_help


# ------------------------------------------------------------------------------------------ output


def _table(rows: Sequence[Sequence[str]], wrap: int | None = None) -> str:
    """Aligned columns; with ``wrap``, a long last column continues on indented lines."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = list(row)
        last = [cells[-1]]
        if wrap is not None:
            room = max(wrap - sum(widths[:-1]) - 2 * (len(widths) - 1), 20)
            last = textwrap.wrap(cells[-1], room, break_on_hyphens=False, break_long_words=False) or [""]
        head = "  ".join(cell.ljust(w) for cell, w in zip(cells[:-1], widths, strict=False))
        for i, part in enumerate(last):
            prefix = head if i == 0 else " " * len(head)
            lines.append(f"{prefix}  {part}".rstrip() if head else part)
    return "\n".join(lines)


def _json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _action_json(found: Any) -> dict[str, Any]:
    data: dict[str, Any] = dataclasses.asdict(found)
    data["resource_level"] = found.resource_level
    if found.service != "xray":
        for key in (
            "api_operation",
            "newer_than_seed",
            "in_seed",
            "in_seed_resource_list",
            "category",
            "history_note",
        ):
            data.pop(key)
    return data


def _types_cell(found: Any) -> str:
    if not found.resource_types:
        return "*"
    return ", ".join(r.name if r.required else f"[{r.name}]" for r in found.resource_types)


# ---------------------------------------------------------------------------------------- commands


def _list(args: argparse.Namespace) -> int:
    from xraykit import catalog

    found = catalog.actions(args.service, access_level=args.access_level, resource_type=args.resource_type)
    if args.json:
        _json([_action_json(a) for a in found])
        return 0
    if not found:
        print(f"no {args.service.lower()} action matches")
        return 0
    xray = found[0].service == "xray"
    rows = [["ACTION", "ACCESS LEVEL", "RESOURCE TYPES"] + (["SEED (2020-09)"] if xray else [])]
    for a in found:
        row = [a.full_name, a.access_level, _types_cell(a)]
        if xray:
            row.append("newer" if a.newer_than_seed else "known")
        rows.append(row)
    print(_table(rows))
    noun = "action" if len(found) == 1 else "actions"
    print(f"\n{len(found)} {noun}; resource types: * = no resource-level permissions, [type] = optional")
    return 0


def _show(args: argparse.Namespace) -> int:
    from xraykit import catalog

    found = catalog.action(args.action)
    if args.json:
        _json(_action_json(found))
        return 0
    rows = [
        ["action", f"{found.full_name} ({catalog.service_name(found.service)})"],
        ["description", found.description],
        ["access level", ", ".join(found.access_levels)],
    ]
    if found.resource_types:
        for i, ref in enumerate(found.resource_types):
            label = "resource types" if i == 0 else ""
            rows.append([label, f"{ref.name} ({'required' if ref.required else 'optional'})"])
            rows.append(["", f"  {ref.arn_format}"])
    else:
        rows.append(["resource types", "none: the policy Resource must be `*`"])
    rows.append(["condition keys", ", ".join(found.condition_keys) or "-"])
    if found.dependent_actions:
        rows.append(["dependent actions", ", ".join(found.dependent_actions)])
    if found.service == "xray":
        rows.append(["API operation", "yes" if found.api_operation else "no (permission only)"])
        seed = "newer than the seed page" if found.newer_than_seed else "known at the seed date"
        if found.in_seed_resource_list:
            seed += "; in the seed page's resource-level list"
        rows.append(["seed (2020-09-21)", seed])
        rows.append(["category", found.category or "-"])
        if found.history_note:
            rows.append(["history", found.history_note])
    print(_table(rows, wrap=_WIDTH))
    return 0


def _closest_verbs(pattern: str) -> str | None:
    """For ``service:Prefix*`` matching nothing: ``did you mean `xray:Get*`?`` from the service's verbs."""
    import re

    from xraykit import catalog
    from xraykit.errors import did_you_mean

    service, _, rest = pattern.partition(":")
    prefix = rest.rstrip("*")
    if not catalog.service_exists(service) or not prefix or any(c in prefix for c in "*?"):
        return None
    verbs = {m.group(0) for a in catalog.actions(service) if (m := re.match(r"[A-Z][a-z]*", a.name))}
    found = did_you_mean(prefix, sorted(verbs))
    if found is None:
        return None
    return re.sub(r"`([^`]+)`", lambda m: f"`{service.lower()}:{m.group(1)}*`", found)


def _expand(args: argparse.Namespace) -> int:
    from xraykit import catalog

    found = catalog.expand(args.pattern)
    if args.json:
        _json([a.full_name for a in found])
        return 0
    if not found:
        hint = _closest_verbs(args.pattern)
        print(f"`{args.pattern}` matches no action" + (f" ({hint})" if hint else ""))
        return 0
    noun = "action" if len(found) == 1 else "actions"
    print(f"`{args.pattern}` matches {len(found)} {noun}:")
    for a in found:
        print(f"  {a.full_name}")
    return 0


def _key(args: argparse.Namespace) -> int:
    from xraykit import catalog

    found = catalog.condition_key(args.key)
    if args.json:
        data = dataclasses.asdict(found)
        _json(data)
        return 0
    rows = [
        ["key", found.name],
        ["type", found.type],
        ["values", "multivalued (use ForAnyValue/ForAllValues)" if found.multivalued else "single-valued"],
        ["scope", found.scope],
        ["description", found.description or "-"],
    ]
    if found.operator_family:
        rows.append(["operators", found.operator_family])
    print(_table(rows, wrap=_WIDTH))
    return 0


def _policy(args: argparse.Namespace) -> int:
    from xraykit import catalog

    if args.name is None:
        return _policy_list(args)
    if args.diff is not None:
        difference = catalog.diff_managed_policy(args.name, args.diff, args.version)
        if args.json:
            _json(dataclasses.asdict(difference))
        else:
            print(difference)
        return 0
    document = catalog.managed_policy(args.name, args.version)
    versions = catalog.managed_policy_versions(args.name)
    name = catalog.managed_policy_arn(args.name).rsplit("/", 1)[1]
    label = args.version if args.version is not None else next(v.version for v in versions if v.is_current)
    chosen = next(v for v in versions if v.version == label.lower() or v.version == f"v{label}")
    if args.json:
        _json(
            {
                "name": name,
                "version": chosen.version,
                "created": chosen.created.isoformat(),
                "is_current": chosen.is_current,
                "at_seed_date": chosen.at_seed_date,
                "document": document,
            }
        )
        return 0
    marks = [
        m
        for m, on in (("current", chosen.is_current), ("current on the seed date", chosen.at_seed_date))
        if on
    ]
    print(
        f"{name} {chosen.version}, created {chosen.created.date()}"
        + (f" ({', '.join(marks)})" if marks else "")
    )
    print("versions: " + ", ".join(f"{v.version} ({v.created.date()})" for v in versions))
    print(json.dumps(document, indent=2))
    return 0


def _policy_list(args: argparse.Namespace) -> int:
    from xraykit import catalog

    names = catalog.managed_policy_names()
    summary: list[dict[str, Any]] = []
    for name in names:
        versions = catalog.managed_policy_versions(name)
        current = next(v for v in versions if v.is_current)
        seed = next((v.version for v in versions if v.at_seed_date), None)
        summary.append(
            {
                "name": name,
                "current": current.version,
                "created": str(current.created.date()),
                "at_seed_date": seed,
                "versions": [v.version for v in versions],
            }
        )
    if args.json:
        _json(summary)
        return 0
    rows = [["POLICY", "CURRENT", "CREATED", "ON 2020-09-21", "VERSIONS"]]
    rows += [
        [
            s["name"],
            s["current"],
            s["created"],
            s["at_seed_date"] or "(did not exist)",
            " ".join(s["versions"]),
        ]
        for s in summary
    ]
    print(_table(rows))
    return 0

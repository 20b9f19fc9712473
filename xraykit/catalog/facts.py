"""Facts about X-Ray that the IAM reference data does not hold: the seed page against today, the
X-Ray API operations, and what KMS needs for X-Ray encryption.
"""

from __future__ import annotations

import copy
import functools
from datetime import date
from typing import Any

from xraykit.catalog import _data
from xraykit.catalog.actions import actions
from xraykit.catalog.model import ApiOperation, KmsAction, KmsFacts, SeedFacts
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type

__all__ = ["api_operation", "api_operations", "kms_facts", "seed_facts"]


@functools.cache
def seed_facts() -> SeedFacts:
    """What the seed page (X-Ray's IAM page of 2020-09-21) said, against what is true today.

    Returns:
        The :class:`SeedFacts`: 44 actions today, 27 then, 17 newer; 7 resource-level actions on
        the seed page, 10 today; the seed's ``xray:ResourceTag`` key that never existed; X-Ray's
        2 service condition keys and its account-level resource policies.
    """
    data = _data.ours("catalog/xray.json")
    seed, today = data["seed"], data["today"]
    facts = {item["name"]: item for item in data["actions"]}
    names = tuple(a.full_name for a in actions("xray"))
    index = _data.ours("managed-policies/index.json")["policies"]
    api = api_operations()
    return SeedFacts(
        seed_date=date.fromisoformat(seed["date"]),
        seed_page=seed["page"],
        actions=names,
        actions_at_seed=tuple(n for n in names if facts[n.split(":")[1]]["in_seed"]),
        newer_than_seed=tuple(n for n in names if facts[n.split(":")[1]]["newer_than_seed"]),
        seed_resource_level_actions=tuple(seed["resource_level_actions"]),
        resource_level_actions=tuple(a.full_name for a in actions("xray") if a.resource_level),
        seed_tag_condition_keys=tuple(seed["tag_condition_keys"]),
        tag_condition_keys=tuple(today["tag_condition_keys"]),
        corrections=tuple((c["seed"], c["correct"], c["why"]) for c in today["corrections"]),
        seed_service_condition_keys=tuple(seed["service_condition_keys"]),
        service_condition_keys=tuple(today["service_condition_keys"]),
        seed_resource_based_policies=bool(seed["resource_based_policies"]),
        resource_policy_actions=tuple(today["resource_policy_actions"]),
        api_operations=tuple(op.iam_action for op in api),
        api_operations_at_seed=tuple(n for n in names if facts[n.split(":")[1]]["in_api_at_seed_date"]),
        managed_policy_versions_at_seed=tuple(
            (name, info["version_at_seed_date"]) for name, info in index.items()
        ),
    )


@functools.cache
def api_operations() -> tuple[ApiOperation, ...]:
    """The X-Ray API operations in botocore's service model (as recorded in xraykit's data).

    Returns:
        One :class:`ApiOperation` per operation, by name.
    """
    data = _data.ours("catalog/xray-api.json")
    return tuple(
        ApiOperation(
            name=op["name"],
            iam_action=op["iam_action"],
            http_method=op["http_method"],
            request_uri=op["request_uri"],
            input_members=tuple(m["name"] for m in op["input"]),
            required_members=tuple(m["name"] for m in op["input"] if m["required"]),
            first_seen=op["first_seen"],
        )
        for op in data["operations"]
    )


def api_operation(name: str) -> ApiOperation:
    """One X-Ray API operation by name (``GetGroup`` or ``xray:GetGroup``, case-insensitive).

    Args:
        name: the operation.

    Returns:
        The :class:`ApiOperation`.

    Raises:
        XrayKitError: when X-Ray has no such API operation (permission-only actions such as
            ``xray:Link`` have none).
    """
    if not isinstance(name, str):
        raise XrayKitError(
            Issue("operation", f"expected an operation such as `GetGroup`, got {json_type(name)}")
        )
    bare = name.split(":", 1)[1] if ":" in name else name
    for op in api_operations():
        if op.name.lower() == bare.lower():
            return op
    raise XrayKitError(
        Issue(
            "operation",
            f"X-Ray has no API operation `{name}`",
            did_you_mean(bare, [op.name for op in api_operations()]),
        )
    )


def kms_facts() -> KmsFacts:
    """KMS facts for X-Ray encryption (a new copy each call, so it can be changed freely).

    Returns:
        The :class:`KmsFacts`: default key policies, key-user actions, what configuring and
        reading encrypted traces needs, and the relevant KMS actions.
    """
    data: dict[str, Any] = copy.deepcopy(_data.ours("catalog/kms.json"))
    xray = data["xray_encryption"]
    notes = {
        "key_policy_only": xray["seed_claim"],
        "aws_managed_key": xray["aws_managed_key"],
        "failure_mode": xray["failure_mode"],
        "key_types": data["key_user_note"],
    }
    return KmsFacts(
        default_key_policy=data["default_key_policy"],
        console_key_policy=data["console_key_policy"],
        root_statement_sids=tuple(data["root_statement_sids"]),
        key_user_actions={k: tuple(v) for k, v in data["key_user_actions"].items()},
        configure_actions=tuple(xray["configure_customer_managed_key"]["kms_actions"]),
        read_actions=tuple(xray["read_encrypted_traces"]["kms_actions"]),
        via_service_value=xray["kms_via_service_value"],
        encryption_types=tuple(xray["put_encryption_config_types"]),
        notes=notes,
        actions=tuple(
            KmsAction(
                a["name"],
                a["access_level"],
                tuple(r["name"] for r in a["resource_types"]),
                tuple(a["condition_keys"]),
                a["xray_relevance"],
            )
            for a in data["actions"]
        ),
        key_arn_format=data["key_resource_type"]["arn_pattern"],
        sources=tuple(
            f"{s['repo']} {s['path']} @ {s['commit'][:12]} ({s['date']})" if "repo" in s else s["data"]
            for s in data["doc_sources"]
        ),
    )

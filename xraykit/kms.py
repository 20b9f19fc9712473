"""KMS encryption for X-Ray: default encryption, the AWS managed key ``aws/xray``, customer managed keys.

X-Ray always encrypts trace data. By default it uses a key of its own (free, nothing to set up);
``PutEncryptionConfig`` with ``Type=KMS`` switches it to a KMS key: the AWS managed key
``aws/xray`` or a customer managed key. Three questions decide who can do what:

- **Who may change the setting?** Whoever IAM allows ``xray:PutEncryptionConfig`` (it is in
  ``AWSXrayFullAccess``; the read and write managed policies leave it out).
- **With a customer managed key, what does the configuring principal need from the key?** X-Ray
  calls ``kms:DescribeKey`` and ``kms:CreateGrant`` on the principal's behalf (the grant is for
  X-Ray, so ``kms:GrantIsForAWSResource`` is true), through X-Ray (``kms:ViaService`` is
  ``xray.<region>.amazonaws.com``).
- **What do readers need?** ``kms:Decrypt`` on the key, again through X-Ray.

KMS adds one rule to IAM's: the key policy must let the principal in, either by naming it (then
no IAM policy is needed) or by naming the account root (then the principal's IAM policies
decide). :func:`key_policy` assembles the console's default key policy from its building blocks
(root delegation, key administrators, key users) so the two cases can be compared, and
:func:`key_policy_access` says which one applies. X-Ray accepts symmetric keys only
(:func:`check_symmetric`).

Taught in the notebook ``06_kms_encryption``; the scenarios under ``data/scenarios`` named
"...key..." run each case.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from xraykit.arn import account_issues, region_issues
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, shown, text_map_issues

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.account import Account

__all__ = [
    "AWS_MANAGED_ALIAS",
    "BLOCK_NAMES",
    "Grant",
    "KeyAccess",
    "KeyManager",
    "KmsKey",
    "aws_managed_key",
    "aws_managed_key_policy",
    "block",
    "check_symmetric",
    "customer_managed_key",
    "encryption_access",
    "key_policy",
    "key_policy_access",
    "kms_context",
    "via_service",
]

#: The alias of X-Ray's AWS managed key.
AWS_MANAGED_ALIAS = "alias/aws/xray"
#: The building blocks :func:`key_policy` knows, in the order the console writes them.
BLOCK_NAMES = ("root", "administrators", "users", "grants")


@cache
def _blocks_data() -> dict[str, Any]:
    text = resources.files("xraykit.data").joinpath("kms/key-policy-blocks.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def block(name: str) -> dict[str, Any]:
    """One building block: ``{"title", "explains", "statement"}`` with placeholders unfilled.

    Args:
        name: ``root``, ``administrators``, ``users``, ``grants``, ``aws-managed-via-service`` or
            ``aws-managed-metadata``.

    Returns:
        A fresh copy of the block.

    Raises:
        XrayKitError: for an unknown block name.
    """
    blocks: dict[str, Any] = _blocks_data()["blocks"]
    if not isinstance(name, str) or name not in blocks:
        raise XrayKitError(
            Issue(
                "block",
                f"unknown key policy block {shown(name)}",
                did_you_mean(name, list(blocks)) or "one of " + ", ".join(f"`{b}`" for b in blocks),
            )
        )
    found: dict[str, Any] = json.loads(json.dumps(blocks[name]))
    return found


def _fill(value: Any, account: str, region: str, principals: Sequence[str]) -> Any:
    if isinstance(value, str):
        if value == "{principals}":
            return list(principals) if len(principals) != 1 else principals[0]
        return value.replace("{account}", account).replace("{region}", region)
    if isinstance(value, list):
        return [_fill(v, account, region, principals) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, account, region, principals) for k, v in value.items()}
    return value


_ALIAS_NAME = re.compile(r"alias/[a-zA-Z0-9/_-]{1,250}\Z", re.ASCII)


def _place_issues(account: Any, region: Any) -> list[Issue]:
    """What is wrong with an account and region given to build a key or a key policy."""
    return [*account_issues(account), *region_issues(region)]


def _principal_issues(name: str, principals: Any) -> list[Issue]:
    """What is wrong with a list of principals given for a key policy block."""
    if isinstance(principals, str) or not isinstance(principals, Iterable):
        return [
            Issue(
                name,
                f"`{name}` must be a list of principal ARNs, not {json_type(principals)}",
                f'e.g. `{name}=["arn:aws:iam::123456789012:role/XrayAdmin"]`',
            )
        ]
    return [
        Issue(
            f"{name}[{i}]",
            f"`{p}` is not a principal ARN"
            if isinstance(p, str)
            else f"a principal must be an ARN, not {json_type(p)}",
            "e.g. `arn:aws:iam::123456789012:role/XrayAdmin`",
        )
        for i, p in enumerate(principals)
        if not (isinstance(p, str) and p.startswith("arn:"))
    ]


def via_service(region: str) -> str:
    """The ``kms:ViaService`` value of requests X-Ray makes to KMS: ``xray.<region>.amazonaws.com``."""
    return f"xray.{region}.amazonaws.com"


def key_policy(
    account: str = "123456789012",
    *,
    root: bool = True,
    administrators: Iterable[str] = (),
    users: Iterable[str] = (),
    grants: Iterable[str] | None = None,
    region: str = "us-east-1",
) -> dict[str, Any]:
    """A key policy built the way the KMS console builds its default one.

    With only ``root`` (the default), this is the policy KMS gives a key created without one:
    the key trusts the account, so IAM policies decide. Adding ``users`` names principals
    directly: they may use the key (and let X-Ray create grants for them) with no IAM policy.

    Args:
        account: the key's account (the root statement names it).
        root: include the statement delegating to the account's IAM policies.
        administrators: principal ARNs that may manage the key.
        users: principal ARNs that may use the key (the console's "key users").
        grants: principal ARNs that may create grants for AWS resources; default: the key users.
        region: unused by these blocks; kept for symmetry with :func:`aws_managed_key_policy`.

    Returns:
        The key policy document.
    """
    issues = _place_issues(account, region)
    for name, principals in (("administrators", administrators), ("users", users), ("grants", grants)):
        if principals is not None:
            issues += _principal_issues(name, principals)
    if issues:
        raise XrayKitError(issues)
    statements: list[dict[str, Any]] = []
    admins, key_users = list(administrators), list(users)
    grant_users = key_users if grants is None else list(grants)
    for name, principals, wanted in zip(
        BLOCK_NAMES,
        ([], admins, key_users, grant_users),
        (root, bool(admins), bool(key_users), bool(grant_users)),
        strict=True,
    ):
        if wanted:
            statements.append(_fill(block(name)["statement"], account, region, principals))
    return {"Version": "2012-10-17", "Id": "key-consolepolicy-3", "Statement": statements}


def aws_managed_key_policy(account: str = "123456789012", region: str = "us-east-1") -> dict[str, Any]:
    """The policy of the AWS managed key ``aws/xray``: any principal of the account, through X-Ray only.

    Args:
        account: the account the key belongs to.
        region: the region (the key is regional, and so is ``kms:ViaService``).

    Returns:
        The key policy document.
    """
    if issues := _place_issues(account, region):
        raise XrayKitError(issues)
    names: list[str] = _blocks_data()["aws_managed_blocks"]
    statements = [_fill(block(n)["statement"], account, region, []) for n in names]
    return {"Version": "2012-10-17", "Id": "auto-xray-1", "Statement": statements}


class KeyManager(StrEnum):
    """Who manages a KMS key."""

    CUSTOMER = "CUSTOMER"
    AWS = "AWS"


@dataclass(frozen=True, slots=True)
class Grant:
    """A KMS grant: lets ``grantee`` use the key for ``operations`` without a policy change.

    X-Ray creates one for itself when it is configured with a customer managed key; which
    operations it lists is not documented, so the kit records the data-key operations.
    """

    grant_id: str
    grantee: str
    operations: tuple[str, ...]
    created_for: str  # the principal on whose behalf the grant was created
    for_aws_resource: bool = True


@dataclass(frozen=True, slots=True)
class KmsKey:
    """A KMS key as X-Ray sees it.

    Attributes:
        key_id: the key ID (a UUID).
        account: the owning account.
        region: the key's region.
        alias: ``alias/NAME`` or ``None``.
        manager: customer or AWS managed.
        spec: the key spec (``SYMMETRIC_DEFAULT`` for the keys X-Ray accepts).
        policy: the key policy document.
        enabled: a disabled key cannot be used; X-Ray then stops storing data.
        grants: grants on the key.
        tags: tags on the key (``aws:ResourceTag/...`` in requests on it).
    """

    key_id: str
    account: str
    region: str
    alias: str | None
    manager: KeyManager
    spec: str
    policy: Mapping[str, Any]
    enabled: bool = True
    grants: tuple[Grant, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """``arn:aws:kms:REGION:ACCOUNT:key/KEY_ID``."""
        return f"arn:aws:kms:{self.region}:{self.account}:key/{self.key_id}"

    @property
    def alias_arn(self) -> str | None:
        """``arn:aws:kms:REGION:ACCOUNT:alias/NAME`` when the key has an alias."""
        return None if self.alias is None else f"arn:aws:kms:{self.region}:{self.account}:{self.alias}"

    @property
    def symmetric(self) -> bool:
        """Whether the key is a symmetric encryption key (the only kind X-Ray accepts)."""
        return self.spec in _blocks_data()["symmetric_key_specs"]

    def names(self) -> tuple[str, ...]:
        """Every way a ``KeyId`` parameter may name this key: ID, ARN, alias, alias ARN."""
        found = [self.key_id, self.arn]
        if self.alias is not None and self.alias_arn is not None:
            found += [self.alias, self.alias_arn]
        return tuple(found)

    def label(self) -> str:
        """The alias if there is one, else the key ID."""
        return self.alias or self.key_id

    def policy_input(self) -> dict[str, Any]:
        """The key policy, named for traces: ``{"name": "key policy of alias/x", "policy": {...}}``."""
        return {"name": f"key policy of {self.label()}", "policy": dict(self.policy)}


def _key_id(account: str, region: str, alias: str | None, seed: int | str) -> str:
    digest = hashlib.sha256(f"{seed}:{account}:{region}:{alias}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _alias(alias: str) -> str:
    return alias if alias.startswith("alias/") else f"alias/{alias}"


def check_symmetric(spec: str, *, path: str = "spec") -> None:
    """Refuse any key spec X-Ray cannot encrypt with.

    Args:
        spec: a KMS key spec such as ``SYMMETRIC_DEFAULT`` or ``RSA_2048``.
        path: where the spec came from, for the error.

    Raises:
        XrayKitError: for an asymmetric or HMAC key spec, or an unknown one.
    """
    data = _blocks_data()
    if not isinstance(spec, str):
        raise XrayKitError(
            Issue(path, f"a key spec is text such as `SYMMETRIC_DEFAULT`, not {json_type(spec)}")
        )
    if spec in data["symmetric_key_specs"]:
        return
    kind = data["other_key_specs"].get(spec)
    if kind is None:
        known = [*data["symmetric_key_specs"], *data["other_key_specs"]]
        raise XrayKitError(Issue(path, f"unknown key spec `{spec}`", did_you_mean(spec, known)))
    raise XrayKitError(
        Issue(
            path,
            f"`{spec}` is an {kind} key spec: X-Ray encrypts only with symmetric keys",
            "create the key with the key spec `SYMMETRIC_DEFAULT`",
        )
    )


def customer_managed_key(
    alias: str,
    *,
    account: str = "123456789012",
    region: str = "us-east-1",
    policy: Mapping[str, Any] | None = None,
    spec: str = "SYMMETRIC_DEFAULT",
    enabled: bool = True,
    tags: Mapping[str, str] | None = None,
    seed: int | str = 0,
) -> KmsKey:
    """A customer managed key; without ``policy`` it gets KMS's default (root delegation only).

    Args:
        alias: the alias, with or without the ``alias/`` prefix.
        account: the owning account.
        region: the key's region.
        policy: the key policy document.
        spec: the key spec; an asymmetric key can exist, but X-Ray refuses to use it.
        enabled: whether the key is enabled.
        tags: tags on the key.
        seed: makes the generated key ID differ between otherwise equal keys.

    Returns:
        The key.

    Raises:
        XrayKitError: for an unknown key spec, an alias that is not an alias name or is in the
            reserved ``alias/aws/`` space, a bad account or region, or tags that are not strings.
    """
    issues = _place_issues(account, region)
    if not isinstance(alias, str) or not _ALIAS_NAME.match(_alias(alias)):
        issues.append(
            Issue(
                "alias",
                f"{shown(alias)} is not a key alias",
                "an alias is 1 to 250 letters, digits, `/`, `_` or `-`, e.g. `xray-traces`",
            )
        )
    if tags is not None:
        issues += text_map_issues(tags, "tags", 'e.g. `{"team": "core"}`')
    if policy is not None and not isinstance(policy, Mapping):
        issues.append(Issue("policy", f"a key policy must be a JSON object, not {json_type(policy)}"))
    if issues:
        raise XrayKitError(issues)
    name = _alias(alias)
    if name.startswith("alias/aws/"):
        raise XrayKitError(
            Issue(
                "alias",
                f"`{name}` is reserved for AWS managed keys",
                "choose an alias that does not start with `alias/aws/`",
            )
        )
    data = _blocks_data()
    if spec not in data["symmetric_key_specs"] and spec not in data["other_key_specs"]:
        check_symmetric(spec)
    return KmsKey(
        key_id=_key_id(account, region, name, seed),
        account=account,
        region=region,
        alias=name,
        manager=KeyManager.CUSTOMER,
        spec=spec,
        policy=policy if policy is not None else key_policy(account, region=region),
        enabled=enabled,
        tags=dict(tags or {}),
    )


def aws_managed_key(account: str = "123456789012", region: str = "us-east-1") -> KmsKey:
    """The AWS managed key ``aws/xray`` of an account and region.

    Args:
        account: the account.
        region: the region.

    Returns:
        The key, with the AWS managed key policy.
    """
    if issues := _place_issues(account, region):
        raise XrayKitError(issues)
    return KmsKey(
        key_id=_key_id(account, region, AWS_MANAGED_ALIAS, "aws"),
        account=account,
        region=region,
        alias=AWS_MANAGED_ALIAS,
        manager=KeyManager.AWS,
        spec="SYMMETRIC_DEFAULT",
        policy=aws_managed_key_policy(account, region),
    )


def kms_context(
    key: KmsKey, *, caller_account: str, region: str, action: str, via_xray: bool = True
) -> dict[str, Any]:
    """The KMS keys of a request X-Ray makes to KMS on a caller's behalf (or the caller makes itself).

    Args:
        key: the key the request uses.
        caller_account: the account of the principal X-Ray acts for (``kms:CallerAccount``).
        region: the region of the X-Ray endpoint (``kms:ViaService``).
        action: the KMS action (``kms:CreateGrant`` through X-Ray adds ``kms:GrantIsForAWSResource``).
        via_xray: ``False`` for a request the caller sends to KMS directly: no ``kms:ViaService``,
            and a grant is not for an AWS resource.

    Returns:
        Condition keys and values.
    """
    context: dict[str, Any] = {
        "kms:CallerAccount": caller_account,
        "kms:KeySpec": key.spec,
        "kms:KeyUsage": "ENCRYPT_DECRYPT",
        "kms:KeyOrigin": "AWS_KMS",
        "kms:MultiRegion": "false",
        "aws:ViaAWSService": "true" if via_xray else "false",
    }
    if via_xray:
        context["kms:ViaService"] = via_service(region)
    if action.lower() in ("kms:creategrant", "kms:listgrants", "kms:revokegrant"):
        context["kms:GrantIsForAWSResource"] = "true" if via_xray else "false"
    for tag, value in key.tags.items():
        context[f"aws:ResourceTag/{tag}"] = value
    return context


class KeyAccess(StrEnum):
    """How a key policy lets a principal use a key for one action."""

    NAMED = "the key policy names the principal"
    DELEGATED = "the key policy delegates to the account's IAM policies"
    NONE = "the key policy does not let the principal in"


def key_policy_access(
    key: KmsKey, principal: str, action: str = "kms:Decrypt", context: Mapping[str, Any] | None = None
) -> KeyAccess:
    """Whether ``key``'s policy names ``principal`` for ``action``, delegates to IAM, or neither.

    Named: the principal needs no IAM permission for the key. Delegated: only an IAM policy that
    allows the action makes the request succeed.

    Args:
        key: the key.
        principal: the requester's ARN.
        action: a KMS action.
        context: the request context (``kms:ViaService`` etc.); default: a request through X-Ray.

    Returns:
        The :class:`KeyAccess`.

    Raises:
        XrayKitError: for an invalid key policy or action.
    """
    from xraykit.engine import simulate
    from xraykit.matching import classify_principal

    account = classify_principal(principal)[1] or key.account
    ctx = (
        dict(context)
        if context is not None
        else kms_context(key, caller_account=account, region=key.region, action=action)
    )
    alone = simulate(action, key.arn, principal=principal, context=ctx, resource_policy=key.policy_input())
    if alone.allowed:
        return KeyAccess.NAMED
    allow_all = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
    }
    with_iam = simulate(
        action,
        key.arn,
        principal=principal,
        context=ctx,
        resource_policy=key.policy_input(),
        identity_policies=[allow_all],
    )
    return KeyAccess.DELEGATED if with_iam.allowed else KeyAccess.NONE


def encryption_access(
    account: Account, principals: Iterable[str] | None = None, *, key: str | None = None
) -> Any:
    """Who may change the setting, configure the key and read encrypted traces: see
    :func:`xraykit.account.encryption.encryption_access` (re-exported here, where it is taught).
    """
    from xraykit.account.encryption import encryption_access as report

    return report(account, principals, key=key)

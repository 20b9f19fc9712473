"""Who can do what with X-Ray encryption: change the setting, configure the key, read encrypted traces.

One row per principal of an :class:`~xraykit.account.Account`, each answer the outcome of an
operation bundle (so a "no" names the member that fails). Taught with :mod:`xraykit.kms`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from xraykit.account.identity import Identity
from xraykit.account.records import Change
from xraykit.account.requests import Applied, Plan, kms_request, xray_request
from xraykit.account.resources import EncryptionConfig
from xraykit.errors import Issue, XrayKitError, did_you_mean
from xraykit.kms import Grant, KeyManager, check_symmetric

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.account.model import Account

__all__ = ["EncryptionAccess", "EncryptionRow", "encryption_access", "plan_put_encryption"]


@dataclass(frozen=True, slots=True)
class EncryptionRow:
    """One principal's answers: may it change the setting, configure the key, read encrypted traces."""

    principal: str
    change_setting: bool
    configure_key: bool
    read_traces: bool
    configure_failure: str | None = None
    read_failure: str | None = None


@dataclass(frozen=True, slots=True)
class EncryptionAccess:
    """Who can do what with X-Ray encryption in one account (a table with a text twin)."""

    setting: str
    rows: tuple[EncryptionRow, ...]

    def row(self, principal: str) -> EncryptionRow:
        """The row of one principal (by name as the account knows it)."""
        for found in self.rows:
            if found.principal == principal:
                return found
        raise XrayKitError(
            Issue(
                "principal",
                f"no row for `{principal}`",
                did_you_mean(principal, [r.principal for r in self.rows]),
            )
        )

    def __str__(self) -> str:
        mark = {True: "yes", False: "no"}
        width = max([9, *(len(r.principal) for r in self.rows)])
        lines = [
            f"encryption: {self.setting}",
            f"{'principal':<{width}}  change setting  configure key  read traces",
        ]
        for r in self.rows:
            lines.append(
                f"{r.principal:<{width}}  {mark[r.change_setting]:<14}  {mark[r.configure_key]:<13}  "
                f"{mark[r.read_traces]}"
            )
            for label, why in (("configure", r.configure_failure), ("read", r.read_failure)):
                if why:
                    lines.append(f"{'':<{width}}    {label}: {why}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        cell = {True: '<td style="color:#1a7f37">yes</td>', False: '<td style="color:#cf222e">no</td>'}
        body = "".join(
            f"<tr><td><code>{escape(r.principal)}</code></td>{cell[r.change_setting]}{cell[r.configure_key]}"
            f"{cell[r.read_traces]}<td>{escape(r.configure_failure or r.read_failure or '')}</td></tr>"
            for r in self.rows
        )
        return (
            f"<div><p>encryption: <code>{escape(self.setting)}</code></p><table>"
            "<tr><th>principal</th><th>change setting</th><th>configure key</th><th>read traces</th>"
            f"<th>first failure</th></tr>{body}</table></div>"
        )


def encryption_access(
    account: Account, principals: Iterable[str] | None = None, *, key: str | None = None
) -> EncryptionAccess:
    """For each principal: may it change the encryption setting, point X-Ray at the key, read traces?

    Args:
        account: the account model.
        principals: names as the account knows them (default: every user and role).
        key: the key to configure (an alias, ID or ARN); default: the key currently configured,
            else none (then "configure key" is the bare ``PutEncryptionConfig``).

    Returns:
        The :class:`EncryptionAccess` table.

    Raises:
        XrayKitError: for an unknown principal or key.
    """
    names = list(principals) if principals is not None else account.principal_names()
    rows = []
    target = key if key is not None else account.encryption.key
    for name in names:
        change = account.request(name, "xray:PutEncryptionConfig").allowed
        configure = (
            account.run_bundle("configure-encryption-with-customer-managed-key", name, key=target)
            if target is not None and account.kms_key(target).manager is KeyManager.CUSTOMER
            else None
        )
        read = (
            account.run_bundle("read-encrypted-traces", name, key=target)
            if target is not None
            else account.run_bundle("console-traces", name)
        )
        configure_ok = change if configure is None else configure.allowed
        configure_why = None if configure is None or configure.allowed else configure.failure_text()
        if configure is None and not change:
            configure_why = "`xray:PutEncryptionConfig` is not allowed"
        rows.append(
            EncryptionRow(
                name,
                change,
                configure_ok,
                read.allowed,
                configure_why,
                None if read.allowed else read.failure_text(),
            )
        )
    return EncryptionAccess(account.encryption.describe(), tuple(rows))


# ------------------------------------------------------------------------ the call itself


def plan_put_encryption(account: Account, identity: Identity, params: Mapping[str, Any]) -> Plan:
    """The requests of ``PutEncryptionConfig``: with a KMS key, X-Ray also asks KMS for the caller.

    Raises:
        XrayKitError: for ``KeyId`` with ``Type`` ``NONE``, ``KMS`` without ``KeyId``, or an asymmetric key.
    """
    kind, key_ref = params["Type"], params.get("KeyId")
    requests = [xray_request(account, identity, "xray:PutEncryptionConfig")]
    if kind == "NONE":
        if key_ref is not None:
            raise XrayKitError(Issue("KeyId", "leave out `KeyId` when `Type` is `NONE`"))
        plan = Plan(requests, target="encryption configuration")

        def reset() -> Applied:
            account.encryption = EncryptionConfig()
            return [Change("configured", "encryption", "default encryption")], None

        plan.apply = reset
        return plan
    if key_ref is None:
        raise XrayKitError(Issue("KeyId", "`Type` `KMS` needs a `KeyId`", "an alias, key ID or key ARN"))
    key = account.find_key(key_ref)
    if key is None:
        return Plan(error=f"there is no KMS key `{key_ref}` in the account")
    check_symmetric(key.spec, path="KeyId")
    requests += [
        kms_request(account, identity, "kms:DescribeKey", key, "X-Ray describes the key for the caller"),
        kms_request(
            account, identity, "kms:CreateGrant", key, "X-Ray creates a grant for itself, for the caller"
        ),
    ]
    plan = Plan(requests, target=f"encryption configuration ({key.label()})")

    def apply() -> Applied:
        if not key.enabled:
            return [], f"KMS refuses the grant: `{key.label()}` is disabled"
        account.encryption = EncryptionConfig("KMS", key_ref, key.arn)
        grant = Grant(
            f"grant-{len(key.grants) + 1}", "xray.amazonaws.com", ("Decrypt", "GenerateDataKey"), identity.arn
        )
        account.replace_key(replace(key, grants=(*key.grants, grant)))
        changes = [Change("configured", "encryption", f"KMS key {key.label()}")]
        if key.manager is KeyManager.CUSTOMER:
            changes.append(
                Change("granted", f"key {key.label()}", f"X-Ray may use the key (for {identity.name})")
            )
        return changes, None

    plan.apply = apply
    return plan

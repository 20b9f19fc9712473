"""The account model: IAM identities, X-Ray resources, KMS keys, and calls made as a principal.

``Account`` is a small, deterministic stand-in for one AWS account in one region. Set it up
directly (``add_user``, ``add_role``, ``add_xray_group``, ``add_key`` ...: no authorization), then
make calls as a principal with :meth:`Account.call`: the call is checked against botocore's X-Ray
model, turned into the authorization requests AWS would make, evaluated by the engine, and, when
allowed, applied. A denied call changes nothing, so a sequence of calls can be stepped through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xraykit import catalog
from xraykit.account.apimodel import check_parameters
from xraykit.account.bundles import Bundle, BundleMember, BundleResult, bundle, run_members
from xraykit.account.identity import Identity
from xraykit.account.operations import plan_call
from xraykit.account.records import CallLog, CallRecord, combine
from xraykit.account.resources import tags_text
from xraykit.account.state import AccountState
from xraykit.engine import PolicySet
from xraykit.kms import (
    KeyManager,
    KmsKey,
    kms_context,
)
from xraykit.result import Evaluation

__all__ = ["Account"]


class Account(AccountState):
    """One AWS account in one region, as X-Ray and IAM see it; calls are made as a principal.

    See :class:`AccountState` for the arguments and the set-up methods.
    """

    # ---------------------------------------------------------------------------- requests
    def base_context(self, identity: Identity) -> dict[str, Any]:
        """The keys of every request ``identity`` makes: request-wide keys and the derived ones."""
        context: dict[str, Any] = {
            "aws:CurrentTime": self.clock,
            "aws:EpochTime": self._epoch,
            "aws:SecureTransport": "true",
            "aws:RequestedRegion": self.region,
            "aws:PrincipalIsAWSService": "false",
            "aws:ViaAWSService": "false",
        }
        context.update(identity.context)
        context.update(self.extra_context)
        return context

    def _policy_input(self, ref: Any) -> Any:
        if isinstance(ref, str):
            if ref in self.policies:
                return {"name": ref, "policy": dict(self.policies[ref])}
            if "@" in ref:
                name, version = ref.split("@", 1)
                return {"name": f"{name} {version}", "policy": catalog.managed_policy(name, version)}
        return ref

    def policy_set(self, identity: Identity, key: KmsKey | None = None) -> PolicySet:
        """The compiled policies of ``identity`` (with ``key``'s policy as the resource policy)."""
        cache_key = (identity.name, None if key is None else key.key_id)  # (emptied on every change)
        found = self._cache.get(cache_key)
        if found is None:
            found = PolicySet(
                [self._policy_input(p) for _, p in identity.policies],
                None if identity.boundary is None else [self._policy_input(identity.boundary)],
                self.scps,
                self.rcps,
                identity.session_policy,
                None if key is None else key.policy_input(),
            )
            self._cache[cache_key] = found
        return found

    def request(
        self,
        principal: str,
        action: str,
        resource: str = "*",
        *,
        context: Mapping[str, Any] | None = None,
        key: str | None = None,
        via_xray: bool = True,
    ) -> Evaluation:
        """Evaluate one raw request as ``principal``, with the keys AWS derives added.

        Args:
            principal: the caller (see :meth:`identity`).
            action: any action (``xray:GetGroup``, ``kms:Decrypt``, ``s3:GetObject`` ...).
            resource: the resource ARN or ``*``; for a KMS action with ``key``, the key's ARN.
            context: keys to add or override.
            key: a KMS key (alias, ID, ARN): its policy takes part.
            via_xray: with ``key``: the request comes through X-Ray (``kms:ViaService``), or,
                with ``False``, straight from the caller.

        Returns:
            The evaluation.

        Raises:
            XrayKitError: for an unknown principal, key, action or a bad resource.
        """
        identity = self.identity(principal)
        found = self.kms_key(key) if key is not None else None
        ctx = self.base_context(identity)
        account = self.account_id
        if found is not None:
            resource = found.arn if resource == "*" else resource
            ctx.update(
                kms_context(
                    found,
                    caller_account=identity.account,
                    region=self.region,
                    action=action,
                    via_xray=via_xray,
                )
            )
            account = found.account
        ctx["aws:ResourceAccount"] = account
        ctx.update(context or {})
        return self.policy_set(identity, found).evaluate(
            action, resource, principal=identity.arn, context=ctx, resource_account=account
        )

    def call(self, principal: str, operation: str, /, **parameters: Any) -> CallRecord:
        """Make an X-Ray API call as ``principal``; if every request is allowed, apply it.

        ``account.call("alice", "CreateGroup", GroupName="prod", Tags=[{"Key": "stage", "Value": "prod"}])``

        Args:
            principal: the caller (see :meth:`identity`).
            operation: the API operation (``CreateGroup``, ``create_group`` or ``xray:CreateGroup``).
            **parameters: the request parameters, as the API reference names them.

        Returns:
            The :class:`CallRecord`.

        Raises:
            XrayKitError: for an unknown principal or operation, or parameters botocore's model
                rejects (every problem at once).
        """
        identity = self.identity(principal)
        op = check_parameters(operation, parameters)
        plan = plan_call(self, identity, op, parameters)
        if plan.error is not None:
            return CallRecord(
                identity.name,
                identity.arn,
                op,
                dict(parameters),
                (),
                (),
                None,
                error=plan.error,
                target=plan.target,
                notes=tuple(plan.notes),
            )
        evaluations = []
        for request in plan.requests:
            key = self.find_key(request.key) if request.key else None
            evaluations.append(
                self.policy_set(identity, key).evaluate(
                    request.action,
                    request.resource,
                    principal=identity.arn,
                    context=request.context,
                    resource_account=request.resource_account,
                )
            )
        decision = combine([e.decision for e in evaluations])
        changes: list[Any] = []
        error = None
        if decision.allowed and plan.apply is not None:
            changes, error = plan.apply()
        tags_after = plan.tags_after() if plan.tags_after is not None else None
        return CallRecord(
            identity.name,
            identity.arn,
            op,
            dict(parameters),
            tuple(plan.requests),
            tuple(evaluations),
            decision,
            tuple(changes),
            error,
            plan.target,
            None if tags_after is None else dict(tags_after),
            tuple(plan.notes),
        )

    def run(self, calls: Iterable[tuple[str, str, Mapping[str, Any]]]) -> CallLog:
        """Step through calls in order: ``[(principal, operation, parameters), ...]``.

        Returns:
            The :class:`CallLog`.
        """
        return CallLog(tuple(self.call(p, op, **params) for p, op, params in calls))

    def run_bundle(self, task: str | Bundle, principal: str, *, key: str | None = None) -> BundleResult:
        """Evaluate a task (an operation bundle) as ``principal``.

        Args:
            task: the bundle or its name.
            principal: the caller.
            key: the KMS key of bundles with key members; default: the configured key.

        Returns:
            The :class:`BundleResult`.

        Raises:
            XrayKitError: for an unknown bundle, principal or key.
        """
        found = bundle(task)
        identity = self.identity(principal)
        ref = key if key is not None else self.encryption.key_arn
        kms = self.kms_key(ref) if ref is not None and found.needs_key else None

        def decide(member: BundleMember, resource: str, ctx: Mapping[str, Any]) -> Evaluation:
            with_key = kms if member.resource == "key" else None
            account = with_key.account if with_key is not None else self.account_id
            full = {**ctx, "aws:ResourceAccount": account}
            return self.policy_set(identity, with_key).evaluate(
                member.action, resource, principal=identity.arn, context=full, resource_account=account
            )

        return run_members(
            found, identity.name, kms, identity.account, self.region, self.base_context(identity), decide
        )

    # --------------------------------------------------------------------------- display
    def copy(self) -> Account:
        """An independent copy (the state objects are immutable; the tables are copied)."""
        other = Account.__new__(Account)
        other.__dict__.update(self.__dict__)
        for name in (
            "policies",
            "users",
            "iam_groups",
            "roles",
            "sessions",
            "groups",
            "rules",
            "keys",
            "_created",
            "extra_context",
        ):
            setattr(other, name, dict(getattr(self, name)))
        other._cache = {}
        return other

    def __str__(self) -> str:
        lines = [f"account {self.account_id} in {self.region} (clock {self.clock})"]
        for user in self.users.values():
            groups = f" groups {', '.join(user.groups)}" if user.groups else ""
            lines.append(f"  user {user.name}: {_refs(user.policies)}{groups}{_inline(user.inline)}")
        for role in self.roles.values():
            lines.append(f"  role {role.name}: {_refs(role.policies)}{_inline(role.inline)}")
        for group in self.groups.values():
            lines.append(f"  {group}")
        for rule in self.rules.values():
            lines.append(f"  {rule}")
        for key in self.keys.values():
            if key.manager is KeyManager.CUSTOMER:
                state = "" if key.enabled else " (disabled)"
                lines.append(
                    f"  KMS key {key.label()} {key.spec}{state} grants {len(key.grants)} "
                    f"tags {tags_text(key.tags)}"
                )
        lines.append(f"  encryption: {self.encryption.describe()}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return f"<pre class='xraykit-account'>{html.escape(str(self))}</pre>"

    def __repr__(self) -> str:
        return (
            f"Account({self.account_id!r}, {self.region!r}, users={len(self.users)}, roles={len(self.roles)})"
        )


def _refs(policies: Sequence[Any]) -> str:
    names = [
        p if isinstance(p, str) else str(p.get("name", "document")) if isinstance(p, Mapping) else "document"
        for p in policies
    ]
    return ", ".join(names) or "no attached policies"


def _inline(inline: Mapping[str, Any]) -> str:
    return f" inline {', '.join(inline)}" if inline else ""

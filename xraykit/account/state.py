"""The state of the account model and how to set it up: identities, X-Ray resources, KMS keys.

Set-up methods change the account directly, without authorization (an administrator's view);
:class:`~xraykit.account.Account` adds calls made as a principal, which are authorized first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from xraykit.account import arguments as check
from xraykit.account.arguments import raise_for
from xraykit.account.identity import IamGroup, Identity, Role, Session, User, session_identity, user_identity
from xraykit.account.resources import DEFAULT_RULE, EncryptionConfig, SamplingRule, XrayGroup
from xraykit.arn import IdGenerator, account_issues, group_arn, region_issues, sampling_rule_arn
from xraykit.engine import PolicySet
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, shown
from xraykit.kms import KmsKey, aws_managed_key, check_symmetric, customer_managed_key, key_policy

__all__ = ["AccountState"]


def _moment(clock: Any) -> datetime | None:
    """The time an ISO 8601 text names, or None."""
    if not isinstance(clock, str):
        return None
    try:
        return datetime.fromisoformat(clock.replace("Z", "+00:00"))
    except ValueError:
        return None


class AccountState:
    """One AWS account in one region, as X-Ray and IAM see it.

    Args:
        account_id: the 12-digit account ID.
        region: the region of the X-Ray endpoint.
        seed: seeds generated IDs (group IDs), so a notebook prints the same ARNs every run.
        clock: the fixed time of every request (``aws:CurrentTime``), ISO 8601 in UTC.
        scps: service control policies of the organization: a list is one level, a list of lists
            one level each (root first).
        rcps: resource control policies, likewise.
        policies: customer managed policies, by name (attach them by that name).
        extra_context: keys added to every request (e.g. ``aws:SourceIp``).
    """

    def __init__(
        self,
        account_id: str = "123456789012",
        region: str = "us-east-1",
        *,
        seed: int | str = 0,
        clock: str = "2020-09-21T12:00:00Z",
        scps: Sequence[Any] | None = None,
        rcps: Sequence[Any] | None = None,
        policies: Mapping[str, Mapping[str, Any]] | None = None,
        extra_context: Mapping[str, Any] | None = None,
    ) -> None:
        issues = [*account_issues(account_id, "account_id"), *region_issues(region)]
        moment = _moment(clock)
        if moment is None:
            issues.append(
                Issue("clock", f"{shown(clock)} is not an ISO 8601 time", "e.g. `2020-09-21T12:00:00Z`")
            )
        for name, value in (("policies", policies), ("extra_context", extra_context)):
            if value is not None and not isinstance(value, Mapping):
                issues.append(Issue(name, f"`{name}` maps names to values, not {json_type(value)}"))
        if issues:
            raise XrayKitError(issues)
        assert moment is not None
        self.account_id = account_id
        self.region = region
        self.seed = seed
        self.clock = clock
        self._epoch = str(int(moment.timestamp()))
        self.scps = scps
        self.rcps = rcps
        self.extra_context = dict(extra_context or {})
        self.policies: dict[str, Mapping[str, Any]] = dict(policies or {})
        self.users: dict[str, User] = {}
        self.iam_groups: dict[str, IamGroup] = {}
        self.roles: dict[str, Role] = {}
        self.sessions: dict[str, Session] = {}
        self.groups: dict[str, XrayGroup] = {}
        self.rules: dict[str, SamplingRule] = {
            "Default": SamplingRule("Default", self.rule_arn("Default"), dict(DEFAULT_RULE))
        }
        self.keys: dict[str, KmsKey] = {}
        managed = aws_managed_key(account_id, region)
        self.keys[managed.key_id] = managed
        self.encryption = EncryptionConfig()
        self._created: dict[str, int] = {}
        self._cache: dict[tuple[str, str | None], PolicySet] = {}

    # ------------------------------------------------------------------------------ set-up
    def _changed(self) -> None:
        self._cache.clear()

    def add_policy(self, name: str, document: Mapping[str, Any]) -> None:
        """Add a customer managed policy that users, groups and roles can attach by name."""
        raise_for(check.name(name), check.document(document, "document", optional=False))
        self.policies[name] = document
        self._changed()

    def add_user(
        self,
        name: str,
        policies: Iterable[Any] = (),
        *,
        inline: Mapping[str, Mapping[str, Any]] | None = None,
        groups: Iterable[str] = (),
        boundary: Any | None = None,
        tags: Mapping[str, str] | None = None,
        path: str = "/",
    ) -> User:
        """Add an IAM user (with long-term keys: the local development case).

        Args:
            name: the user name.
            policies: attached managed policies: AWS managed names (``AWSXrayReadOnlyAccess``, or
                ``AWSXrayReadOnlyAccess@v5`` for an older version), names of the account's own
                policies, or documents.
            inline: inline policies by name.
            groups: IAM groups the user belongs to (added before).
            boundary: the permissions boundary.
            tags: the user's tags (``aws:PrincipalTag/...``).
            path: the IAM path.

        Returns:
            The user.

        Raises:
            XrayKitError: for an unknown IAM group, or arguments of the wrong shape.
        """
        raise_for(
            check.name(name),
            check.policies(policies),
            check.named_documents(inline),
            check.names(groups, "groups"),
            check.tags(tags),
        )
        for group in groups:
            if group not in self.iam_groups:
                raise XrayKitError(
                    Issue(
                        "groups",
                        f"there is no IAM group `{group}`",
                        did_you_mean(group, list(self.iam_groups)),
                    )
                )
        user = User(
            name, tuple(policies), dict(inline or {}), tuple(groups), boundary, dict(tags or {}), path
        )
        self.users[name] = user
        self._changed()
        return user

    def add_iam_group(
        self,
        name: str,
        policies: Iterable[Any] = (),
        *,
        inline: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> IamGroup:
        """Add an IAM group (its policies apply to its members)."""
        raise_for(check.name(name), check.policies(policies), check.named_documents(inline))
        group = IamGroup(name, tuple(policies), dict(inline or {}))
        self.iam_groups[name] = group
        self._changed()
        return group

    def add_role(
        self,
        name: str,
        policies: Iterable[Any] = (),
        *,
        inline: Mapping[str, Mapping[str, Any]] | None = None,
        boundary: Any | None = None,
        tags: Mapping[str, str] | None = None,
        path: str = "/",
        trust_policy: Mapping[str, Any] | None = None,
        session_name: str = "session",
    ) -> Role:
        """Add an IAM role; calls naming the role are made by its session ``session_name``.

        Returns:
            The role.
        """
        raise_for(
            check.name(name),
            check.policies(policies),
            check.named_documents(inline),
            check.tags(tags),
            check.document(trust_policy, "trust_policy"),
            check.name(session_name, "session_name"),
        )
        role = Role(
            name,
            tuple(policies),
            dict(inline or {}),
            boundary,
            dict(tags or {}),
            path,
            trust_policy,
            session_name,
        )
        self.roles[name] = role
        self._changed()
        return role

    def add_session(
        self,
        role: str,
        name: str,
        *,
        policy: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Session:
        """Add a session of a role (an instance profile's, a task's, a function's, an AssumeRole).

        Returns:
            The session; call as ``"ROLE/SESSION"``.

        Raises:
            XrayKitError: for an unknown role.
        """
        raise_for(
            check.name(role, "role"), check.name(name), check.document(policy, "policy"), check.tags(tags)
        )
        self._role(role)
        session = Session(role, name, policy, dict(tags or {}))
        self.sessions[f"{role}/{name}"] = session
        self._changed()
        return session

    def add_xray_group(
        self, name: str, filter_expression: str | None = None, *, tags: Mapping[str, str] | None = None
    ) -> XrayGroup:
        """Add an X-Ray group directly (set-up: no authorization), with a generated ID."""
        raise_for(check.tags(tags))
        arn = self.next_group_arn(name)
        self.commit_group_arn(name)
        group = XrayGroup(name, arn, filter_expression, {}, dict(tags or {}))
        self.groups[name] = group
        return group

    def add_sampling_rule(
        self, name: str, *, tags: Mapping[str, str] | None = None, **fields: Any
    ) -> SamplingRule:
        """Add a sampling rule directly (set-up: no authorization); unspecified fields as ``Default``'s."""
        raise_for(check.name(name), check.tags(tags))
        rule = SamplingRule(
            name, self.rule_arn(name), {**DEFAULT_RULE, "Priority": 9000, **fields}, dict(tags or {})
        )
        self.rules[name] = rule
        return rule

    def add_key(
        self,
        alias: str,
        policy: Mapping[str, Any] | None = None,
        *,
        root: bool = True,
        administrators: Iterable[str] = (),
        users: Iterable[str] = (),
        grants: Iterable[str] | None = None,
        spec: str = "SYMMETRIC_DEFAULT",
        enabled: bool = True,
        tags: Mapping[str, str] | None = None,
        account: str | None = None,
    ) -> KmsKey:
        """Add a customer managed KMS key.

        Without ``policy``, the key policy is built from the console's blocks: ``root`` delegates
        to IAM; ``administrators``, ``users`` and ``grants`` name principals (names of this
        account's users and roles, or ARNs).

        Returns:
            The key.

        Raises:
            XrayKitError: for an unknown principal name or key spec.
        """
        raise_for(
            check.document(policy, "policy"),
            check.names(administrators, "administrators"),
            check.names(users, "users"),
            check.names(grants, "grants") if grants is not None else [],
        )
        owner = account or self.account_id
        if policy is None:
            policy = key_policy(
                owner,
                root=root,
                administrators=[self.policy_principal(p) for p in administrators],
                users=[self.policy_principal(p) for p in users],
                grants=None if grants is None else [self.policy_principal(p) for p in grants],
                region=self.region,
            )
        key = customer_managed_key(
            alias,
            account=owner,
            region=self.region,
            policy=policy,
            spec=spec,
            enabled=enabled,
            tags=tags,
            seed=self.seed,
        )
        self.keys[key.key_id] = key
        self._changed()
        return key

    def replace_key(self, key: KmsKey) -> None:
        """Store a changed key (same ID)."""
        self.keys[key.key_id] = key
        self._changed()

    def set_encryption(self, type: str = "NONE", key: str | None = None) -> EncryptionConfig:
        """Set the encryption configuration directly (set-up: no authorization).

        Raises:
            XrayKitError: for an unknown or asymmetric key.
        """
        if type not in ("NONE", "KMS"):
            raise XrayKitError(
                Issue(
                    "type",
                    f"the encryption type is `NONE` or `KMS`, not {shown(type)}",
                    did_you_mean(str(type), ["NONE", "KMS"]),
                )
            )
        if type == "NONE":
            self.encryption = EncryptionConfig()
        else:
            found = self.kms_key(key or "")
            check_symmetric(found.spec, path="key")
            self.encryption = EncryptionConfig("KMS", key, found.arn)
        return self.encryption

    # ----------------------------------------------------------------------------- lookups
    def _role(self, name: str) -> Role:
        if name not in self.roles:
            raise XrayKitError(
                Issue("role", f"there is no role `{name}`", did_you_mean(name, list(self.roles)))
            )
        return self.roles[name]

    def principal_names(self) -> list[str]:
        """Every user and role name (roles stand for their default session), sorted."""
        return sorted([*self.users, *self.roles])

    def policy_principal(self, name: str) -> str:
        """The ARN a resource policy uses for ``name``: a user's or role's ARN; ARNs as given."""
        if name.startswith("arn:"):
            return name
        if name in self.users:
            return self.users[name].arn(self.account_id)
        role = name.split("/", 1)[0]
        if role in self.roles:
            return self.roles[role].arn(self.account_id)
        raise XrayKitError(
            Issue(
                "principal",
                f"there is no user or role `{name}`",
                did_you_mean(name, self.principal_names()) or self._callers(),
            )
        )

    def _callers(self) -> str:
        """A hint naming the account's users and roles (or saying there are none)."""
        known = self.principal_names()
        if not known:
            return "the account has no users or roles yet: add one with `add_user` or `add_role`"
        shown = ", ".join(f"`{n}`" for n in known[:8])
        return f"users and roles: {shown}" + (", ..." if len(known) > 8 else "")

    def identity(self, principal: str) -> Identity:
        """Resolve a caller: a user name, a role name (its default session), ``ROLE/SESSION`` or an ARN.

        Raises:
            XrayKitError: for an unknown principal.
        """
        raise_for(check.principal(principal))
        name = principal
        if principal.startswith("arn:"):
            parts = principal.split(":", 5)
            tail = parts[5] if len(parts) == 6 else ""
            if tail.startswith("user/"):
                name = tail.rsplit("/", 1)[-1]
            elif tail.startswith("assumed-role/"):
                name = tail.split("/", 1)[1]
            elif tail.startswith("role/"):
                name = tail.rsplit("/", 1)[-1]
        if name in self.users:
            return user_identity(self.users[name], self.account_id, self.iam_groups)
        role_name, _, session_name = name.partition("/")
        if role_name in self.roles:
            role = self.roles[role_name]
            session = self.sessions.get(f"{role_name}/{session_name or role.session_name}") or Session(
                role_name, session_name or role.session_name
            )
            return session_identity(role, session, self.account_id, self.clock)
        raise XrayKitError(
            Issue(
                "principal",
                f"there is no user or role `{principal}`",
                did_you_mean(principal, self.principal_names() + list(self.sessions)) or self._callers(),
            )
        )

    def find_key(self, ref: str) -> KmsKey | None:
        """A key by alias (with or without ``alias/``), key ID, key ARN or alias ARN."""
        wanted = {ref, f"alias/{ref}"}
        for key in self.keys.values():
            if wanted & set(key.names()):
                return key
        return None

    def kms_key(self, ref: str) -> KmsKey:
        """Like :meth:`find_key`, but raises for an unknown key.

        Raises:
            XrayKitError: for an unknown key.
        """
        found = self.find_key(ref)
        if found is None:
            labels = [k.label() for k in self.keys.values()]
            raise XrayKitError(Issue("key", f"there is no KMS key `{ref}`", did_you_mean(ref, labels)))
        return found

    def group(self, name: str) -> XrayGroup:
        """An X-Ray group by name.

        Raises:
            XrayKitError: for an unknown group.
        """
        if name not in self.groups:
            raise XrayKitError(
                Issue("group", f"there is no group `{name}`", did_you_mean(name, list(self.groups)))
            )
        return self.groups[name]

    def rule(self, name: str) -> SamplingRule:
        """A sampling rule by name.

        Raises:
            XrayKitError: for an unknown rule.
        """
        if name not in self.rules:
            raise XrayKitError(
                Issue("rule", f"there is no sampling rule `{name}`", did_you_mean(name, list(self.rules)))
            )
        return self.rules[name]

    def next_group_arn(self, name: str) -> str:
        """The ARN the next group called ``name`` would get (its ID seeded by name and count)."""
        count = self._created.get(name, 0)
        return group_arn(
            name,
            region=self.region,
            account=self.account_id,
            ids=IdGenerator(seed=f"{self.seed}:{name}:{count}"),
        )

    def commit_group_arn(self, name: str) -> None:
        """Record that a group called ``name`` was created (the next one gets a new ID)."""
        self._created[name] = self._created.get(name, 0) + 1

    def rule_arn(self, name: str) -> str:
        """The ARN of the sampling rule ``name``."""
        return sampling_rule_arn(name, region=self.region, account=self.account_id)

"""IAM identities of the account model, and the request context AWS derives from them.

A request's context is authoritative for the engine: it derives nothing from the principal. AWS
does, and this module does it the same way:

=========================  ===========================  ====================================
key                        IAM user                      assumed-role session
=========================  ===========================  ====================================
``aws:username``           the user name                 absent
``aws:userid``             ``AIDA…`` unique ID           ``AROA…:session-name``
``aws:PrincipalArn``       the user ARN                  the *role* ARN (with its path)
``aws:PrincipalAccount``   the account                   the account
``aws:PrincipalType``      ``User``                      ``AssumedRole``
``aws:PrincipalTag/K``     the user's tags               the role's tags, then session tags
=========================  ===========================  ====================================

The request principal of a session is its ``sts`` ARN
(``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``), without the role's path.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["IamGroup", "Identity", "Role", "Session", "User", "unique_id"]

PolicyRef = Any  # a managed policy name, "Name@vN", an account policy name, a document or {"name", "policy"}


def unique_id(prefix: str, account: str, name: str) -> str:
    """A stable IAM unique ID: ``AIDA`` (users) or ``AROA`` (roles) and 17 characters.

    Args:
        prefix: ``AIDA`` or ``AROA``.
        account: the account.
        name: the user or role name.

    Returns:
        The ID; the same inputs always give the same ID.
    """
    digest = hashlib.sha256(f"{prefix}:{account}:{name}".encode()).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:17]


def _path(path: str) -> str:
    return path if path.endswith("/") else path + "/"


@dataclass(frozen=True, slots=True)
class IamGroup:
    """An IAM group: its policies apply to every member user."""

    name: str
    policies: tuple[PolicyRef, ...] = ()
    inline: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class User:
    """An IAM user with long-term access keys (the local development case)."""

    name: str
    policies: tuple[PolicyRef, ...] = ()
    inline: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    boundary: PolicyRef | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    path: str = "/"

    def arn(self, account: str) -> str:
        """The user's ARN."""
        return f"arn:aws:iam::{account}:user{_path(self.path)}{self.name}"


@dataclass(frozen=True, slots=True)
class Role:
    """An IAM role; requests are made by its sessions (instance profiles, task roles, functions)."""

    name: str
    policies: tuple[PolicyRef, ...] = ()
    inline: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    boundary: PolicyRef | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    path: str = "/"
    trust_policy: Mapping[str, Any] | None = None
    session_name: str = "session"  # the session used when a call names just the role

    def arn(self, account: str) -> str:
        """The role's ARN (``aws:PrincipalArn`` of its sessions)."""
        return f"arn:aws:iam::{account}:role{_path(self.path)}{self.name}"


@dataclass(frozen=True, slots=True)
class Session:
    """A session of a role, as STS issues it (``AssumeRole``, an instance profile, a Lambda function)."""

    role: str
    name: str
    policy: Mapping[str, Any] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def arn(self, account: str) -> str:
        """The session's ARN: the request principal."""
        return f"arn:aws:sts::{account}:assumed-role/{self.role}/{self.name}"


@dataclass(frozen=True, slots=True)
class Identity:
    """A resolved caller: who it is, which policies apply, and the keys AWS derives from it.

    Attributes:
        name: how the account names it (``alice``, ``xray-application/i-0abc``).
        kind: ``user`` or ``session``.
        arn: the request principal.
        account: the caller's account.
        policies: identity-based policies (the user's, its groups', or the role's).
        boundary: the permissions boundary, if any.
        session_policy: the session policy, if any.
        context: the derived condition keys.
    """

    name: str
    kind: str
    arn: str
    account: str
    policies: tuple[tuple[str, PolicyRef], ...]
    boundary: PolicyRef | None
    session_policy: Mapping[str, Any] | None
    context: Mapping[str, Any]


def user_identity(user: User, account: str, groups: Mapping[str, IamGroup]) -> Identity:
    """The identity of an IAM user, with its own and its groups' policies."""
    policies: list[tuple[str, PolicyRef]] = [("attached", p) for p in user.policies]
    policies += [(f"inline {n}", {"name": n, "policy": d}) for n, d in user.inline.items()]
    for group_name in user.groups:
        group = groups[group_name]
        policies += [(f"group {group.name}", p) for p in group.policies]
        policies += [
            (f"group {group.name} inline {n}", {"name": n, "policy": d}) for n, d in group.inline.items()
        ]
    context: dict[str, Any] = {
        "aws:username": user.name,
        "aws:userid": unique_id("AIDA", account, user.name),
        "aws:PrincipalArn": user.arn(account),
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": "User",
    }
    context.update({f"aws:PrincipalTag/{k}": v for k, v in user.tags.items()})
    return Identity(
        user.name, "user", user.arn(account), account, tuple(policies), user.boundary, None, context
    )


def session_identity(role: Role, session: Session, account: str, issued: str) -> Identity:
    """The identity of a role session: the role's policies, the session policy and tags."""
    policies: list[tuple[str, PolicyRef]] = [("attached", p) for p in role.policies]
    policies += [(f"inline {n}", {"name": n, "policy": d}) for n, d in role.inline.items()]
    context: dict[str, Any] = {
        "aws:userid": f"{unique_id('AROA', account, role.name)}:{session.name}",
        "aws:PrincipalArn": role.arn(account),
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": "AssumedRole",
        "aws:TokenIssueTime": issued,
    }
    tags = {**role.tags, **session.tags}
    context.update({f"aws:PrincipalTag/{k}": v for k, v in tags.items()})
    return Identity(
        f"{role.name}/{session.name}",
        "session",
        session.arn(account),
        account,
        tuple(policies),
        role.boundary,
        session.policy,
        context,
    )

"""The catalog's record types: small frozen dataclasses, one per thing the IAM reference lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "Action",
    "ApiOperation",
    "ConditionKey",
    "KmsAction",
    "KmsFacts",
    "PolicyVersion",
    "ResourceType",
    "ResourceTypeRef",
    "SeedFacts",
]


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """A resource type as one action uses it (a row of the action table).

    Attributes:
        name: the resource type, e.g. ``group``.
        required: whether the action always acts on such a resource (``False`` for the tagging
            actions, which accept a group or a sampling rule).
        arn_format: the ARN template, e.g.
            ``arn:${Partition}:xray:${Region}:${Account}:group/${GroupName}/${Id}``.
        condition_keys: keys listed for the action on this row.
    """

    name: str
    required: bool
    arn_format: str
    condition_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Action:
    """One IAM action of one service.

    The X-Ray-only fields (``api_operation`` ... ``history_note``) are ``None`` for other services.

    Attributes:
        service: the service prefix, lower case (``xray``).
        name: the action name as AWS spells it (``GetGroup``).
        full_name: ``service:Name`` (``xray:GetGroup``).
        access_level: the Service Authorization Reference level: ``Read``, ``Write``, ``List``,
            ``Tagging`` or ``Permissions management``.
        access_levels: every level the data lists (``("Tagging", "Write")``).
        resource_types: the resource types the action can be scoped to; empty when the action has
            no resource-level permissions (its policy Resource must be ``*``).
        condition_keys: the action's own condition keys (not those of its resource types).
        dependent_actions: actions IAM also checks for some uses of this one.
        description: what the action grants.
        api_operation: whether botocore's X-Ray model has an API operation of that name (``False``
            for permission-only actions such as ``xray:Link``).
        newer_than_seed: not yet in the IAM catalog at the seed date (2020-09-21).
        in_seed: already in the IAM catalog at the seed date.
        in_seed_resource_list: listed by the seed page as supporting resource-level permissions.
        category: a teaching category (``groups``, ``sampling``, ``ingestion`` ...).
        history_note: when and how the action appeared, where known.
    """

    service: str
    name: str
    full_name: str
    access_level: str
    access_levels: tuple[str, ...]
    resource_types: tuple[ResourceTypeRef, ...]
    condition_keys: tuple[str, ...]
    dependent_actions: tuple[str, ...]
    description: str
    api_operation: bool | None = None
    newer_than_seed: bool | None = None
    in_seed: bool | None = None
    in_seed_resource_list: bool | None = None
    category: str | None = None
    history_note: str | None = None

    @property
    def resource_level(self) -> bool:
        """Whether the action supports resource-level permissions (has any resource type)."""
        return bool(self.resource_types)

    def __str__(self) -> str:
        return self.full_name


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type of a service, as the IAM reference defines it.

    Attributes:
        name: e.g. ``group``.
        service: the service prefix that defines it (``xray``); note that ``sts`` defines ``role``
            with an ``iam`` ARN.
        arn_format: the ARN template with ``${Variable}`` placeholders.
        condition_keys: keys available when a request names such a resource.
    """

    name: str
    service: str
    arn_format: str
    condition_keys: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True, slots=True)
class ConditionKey:
    """A condition key: its catalog name (templates keep their ``${TagKey}``) and value type.

    Attributes:
        name: the catalog name, e.g. ``aws:ResourceTag/${TagKey}``.
        type: ``String``, ``ARN``, ``Bool``, ``Date``, ``IPAddress``, ``Numeric`` or an
            ``ArrayOf...`` form.
        multivalued: whether a request can carry several values (use ``ForAnyValue``/``ForAllValues``).
        scope: ``global`` for ``aws:`` keys, ``service`` for a service's own keys.
        description: what the key holds.
        operator_family: the operators the IAM guide pairs with a global key, where recorded.
    """

    name: str
    type: str
    multivalued: bool
    scope: str
    description: str
    operator_family: str | None = None

    @property
    def templated(self) -> bool:
        """Whether the name has a placeholder (``aws:ResourceTag/${TagKey}``)."""
        return "${" in self.name or "<" in self.name


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of an AWS managed policy.

    Attributes:
        version: ``v1``, ``v2`` ...
        created: when AWS created that version (UTC).
        is_current: whether it is the default version today.
        at_seed_date: whether it was the default version on the seed date (2020-09-21).
        sources: the tracker files it was read from (``repo path @ commit``).
    """

    version: str
    created: datetime
    is_current: bool
    at_seed_date: bool
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiOperation:
    """An X-Ray API operation from botocore's service model."""

    name: str
    iam_action: str
    http_method: str
    request_uri: str
    input_members: tuple[str, ...]
    required_members: tuple[str, ...]
    first_seen: str | None


@dataclass(frozen=True, slots=True)
class SeedFacts:
    """What the seed page (the X-Ray IAM page of 2020-09-21) said, against what is true today.

    Attributes:
        seed_date: the date of the seed page.
        seed_page: which page, repository and commit.
        actions: every X-Ray action today, in catalog order.
        actions_at_seed: those already in the IAM catalog at the seed date.
        newer_than_seed: those added since.
        seed_resource_level_actions: the seed page's list of actions with resource-level permissions.
        resource_level_actions: the actions with resource-level permissions today.
        seed_tag_condition_keys: the tag keys the seed page names (one of which does not exist).
        tag_condition_keys: the tag keys X-Ray actually supports.
        corrections: ``(what the seed says, what is right, why)``.
        seed_service_condition_keys: service keys at the seed date (the page says there are none).
        service_condition_keys: X-Ray's own condition keys today.
        seed_resource_based_policies: whether the seed says X-Ray has resource-based policies.
        resource_policy_actions: the actions that manage X-Ray's account-level resource policies.
        api_operations: the X-Ray API operations in botocore's model today.
        api_operations_at_seed: those already in botocore at the seed date.
        managed_policy_versions_at_seed: managed policy name -> version current at the seed date
            (``None`` when the policy did not exist yet).
    """

    seed_date: date
    seed_page: str
    actions: tuple[str, ...]
    actions_at_seed: tuple[str, ...]
    newer_than_seed: tuple[str, ...]
    seed_resource_level_actions: tuple[str, ...]
    resource_level_actions: tuple[str, ...]
    seed_tag_condition_keys: tuple[str, ...]
    tag_condition_keys: tuple[str, ...]
    corrections: tuple[tuple[str, str, str], ...]
    seed_service_condition_keys: tuple[str, ...]
    service_condition_keys: tuple[str, ...]
    seed_resource_based_policies: bool
    resource_policy_actions: tuple[str, ...]
    api_operations: tuple[str, ...]
    api_operations_at_seed: tuple[str, ...]
    managed_policy_versions_at_seed: tuple[tuple[str, str | None], ...]

    @property
    def resource_level_added(self) -> tuple[str, ...]:
        """Actions with resource-level permissions today that the seed page does not list."""
        seed = {a.lower() for a in self.seed_resource_level_actions}
        return tuple(a for a in self.resource_level_actions if a.lower() not in seed)


@dataclass(frozen=True, slots=True)
class KmsAction:
    """A KMS action that matters for X-Ray encryption."""

    name: str
    access_level: str
    resource_types: tuple[str, ...]
    condition_keys: tuple[str, ...]
    xray_relevance: str


@dataclass(frozen=True, slots=True)
class KmsFacts:
    """KMS facts for X-Ray encryption with a customer managed key.

    The policy documents are fresh copies: changing them does not change the catalog.

    Attributes:
        default_key_policy: the policy KMS applies when a key is created without one (one
            statement letting the account's IAM policies grant access).
        console_key_policy: the seed-era console default (root, key administrators, key users,
            grants for AWS resources).
        root_statement_sids: the Sids the docs have used for the root statement.
        key_user_actions: key type -> actions the console's key-user statement grants.
        configure_actions: KMS actions needed to point X-Ray at a customer managed key.
        read_actions: KMS actions needed to read encrypted trace data.
        via_service_value: the ``kms:ViaService`` value for X-Ray (``xray.<region>.amazonaws.com``).
        encryption_types: the ``Type`` values of ``PutEncryptionConfig``.
        notes: further facts (the seed's claim about key policies, the AWS managed key, failures).
        actions: the KMS actions relevant to X-Ray.
        key_arn_format: the ARN template of a KMS key.
        sources: the documents these facts come from.
    """

    default_key_policy: dict[str, Any]
    console_key_policy: dict[str, Any]
    root_statement_sids: tuple[str, ...]
    key_user_actions: dict[str, tuple[str, ...]]
    configure_actions: tuple[str, ...]
    read_actions: tuple[str, ...]
    via_service_value: str
    encryption_types: tuple[str, ...]
    notes: dict[str, str]
    actions: tuple[KmsAction, ...]
    key_arn_format: str
    sources: tuple[str, ...] = field(default=())

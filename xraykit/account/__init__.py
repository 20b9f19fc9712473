"""A small X-Ray account to play in: identities, resources, keys, and calls as AWS authorizes them.

``Account`` holds IAM users, groups, roles and sessions with their policies, X-Ray groups and
sampling rules with tags, the encryption configuration and KMS keys. ``account.call(principal,
"CreateGroup", GroupName=..., Tags=[...])`` checks the parameters against botocore's X-Ray model,
builds the authorization requests AWS would make (with the keys AWS derives from the principal
and the tags), evaluates them, and applies the call when allowed. Operation bundles evaluate a
whole task (the daemon, the console, configuring encryption) and name the member that fails.

Taught in the notebooks on tags (the lifecycle stepper), managed policies and KMS encryption.
"""

from xraykit.account.apimodel import check_parameters, operation_name, operation_names
from xraykit.account.bundles import Bundle, BundleMember, BundleResult, bundle, bundle_names, evaluate_bundle
from xraykit.account.identity import IamGroup, Identity, Role, Session, User, unique_id
from xraykit.account.lifecycle import tag_lifecycle
from xraykit.account.model import Account
from xraykit.account.operations import ENCRYPTED_READS
from xraykit.account.records import AuthRequest, CallLog, CallRecord, Change
from xraykit.account.resources import DEFAULT_RULE, EncryptionConfig, SamplingRule, XrayGroup

__all__ = [
    "DEFAULT_RULE",
    "ENCRYPTED_READS",
    "Account",
    "AuthRequest",
    "Bundle",
    "BundleMember",
    "BundleResult",
    "CallLog",
    "CallRecord",
    "Change",
    "EncryptionConfig",
    "IamGroup",
    "Identity",
    "Role",
    "SamplingRule",
    "Session",
    "User",
    "XrayGroup",
    "bundle",
    "bundle_names",
    "check_parameters",
    "evaluate_bundle",
    "operation_name",
    "operation_names",
    "tag_lifecycle",
    "unique_id",
]

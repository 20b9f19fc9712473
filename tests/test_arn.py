"""ARNs: parsing with clear errors, X-Ray group and sampling-rule builders, seeded IDs, diffs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xraykit import arn
from xraykit.errors import XrayKitError

GROUP = "arn:aws:xray:us-east-1:123456789012:group/prod/TNGX7SW5U6QY36T4ZMOUA3HVLBYCZTWDIOOXY3CJAXTHSS3YCWUA"


@pytest.mark.parametrize(
    ("text", "segments", "resource_type", "resource_id"),
    [
        pytest.param(
            GROUP,
            ("aws", "xray", "us-east-1", "123456789012"),
            "group",
            "prod/TNGX7SW5U6QY36T4ZMOUA3HVLBYCZTWDIOOXY3CJAXTHSS3YCWUA",
            id="a group ARN splits into its segments",
        ),
        pytest.param(
            "arn:aws:xray:eu-west-1:123456789012:sampling-rule/base-scorekeep",
            ("aws", "xray", "eu-west-1", "123456789012"),
            "sampling-rule",
            "base-scorekeep",
            id="a sampling rule ARN has the rule name as its id",
        ),
        pytest.param(
            "arn:aws:xray:us-east-1::sampling-rule/Default",
            ("aws", "xray", "us-east-1", ""),
            "sampling-rule",
            "Default",
            id="an empty account is accepted as the X-Ray docs show it",
        ),
        pytest.param(
            "arn:aws:s3:::bucket/a/b.txt",
            ("aws", "s3", "", ""),
            "",
            "bucket/a/b.txt",
            id="an S3 object ARN has no resource type prefix",
        ),
        pytest.param(
            "arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess",
            ("aws", "iam", "", "aws"),
            "policy",
            "AWSXrayReadOnlyAccess",
            id="an AWS managed policy has the account aws",
        ),
        pytest.param(
            "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s",
            ("aws", "logs", "us-east-1", "123456789012"),
            "log-group",
            "g:log-stream:s",
            id="colons inside the resource stay in the resource",
        ),
        pytest.param(
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/abc",
            ("aws-us-gov", "kms", "us-gov-west-1", "123456789012"),
            "key",
            "abc",
            id="a GovCloud key ARN parses",
        ),
        pytest.param(
            "arn:aws:xray:*:*:group/prod/*",
            ("aws", "xray", "*", "*"),
            "group",
            "prod/*",
            id="wildcards in region and account are accepted as policies write them",
        ),
        pytest.param(
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            ("aws", "iam", "", "${aws:PrincipalAccount}"),
            "role",
            "x",
            id="a policy variable in the account is accepted",
        ),
    ],
)
def test_parse(text: str, segments: tuple[str, ...], resource_type: str, resource_id: str) -> None:
    parsed = arn.parse(text)
    assert (parsed.partition, parsed.service, parsed.region, parsed.account) == segments
    assert (parsed.resource_type, parsed.resource_id) == (resource_type, resource_id)
    assert str(parsed) == text == parsed.format()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "arn:aws:xray:us-east-1:12345:group/x",
            "`arn:aws:xray:us-east-1:12345:group/x` has an account ID of 5 digits: expected 12",
            id="a short account ID is named with its length",
        ),
        pytest.param(
            "arn:aws:xray:us-east-1:group/x", "has 5 segments: expected 6", id="a missing segment is counted"
        ),
        pytest.param(
            "arn:aw:xray:us-east-1:123456789012:group/x",
            "unknown partition `aw`",
            id="an unknown partition is rejected",
        ),
        pytest.param(
            "xray:us-east-1:123456789012:group/x",
            "does not start with `arn:`",
            id="the arn prefix is required",
        ),
        pytest.param(
            "arn:aws:xray:us-east1:123456789012:group/x",
            "region `us-east1`",
            id="a malformed region is named",
        ),
        pytest.param(
            "arn:aws:xray:us-east-1:12345678901a:group/x", "not 12 digits", id="letters in the account"
        ),
        pytest.param(
            "arn:aws:xray:us-east-1:123456789012:", "has no resource part", id="an empty resource is rejected"
        ),
        pytest.param(
            "arn:aws::us-east-1:123456789012:group/x", "empty service", id="an empty service is rejected"
        ),
        pytest.param(
            "arn:aws:xray:us-east-1:123456789012:group/a/b\n",
            "whitespace at its start or end",
            id="a trailing newline is rejected",
        ),
        pytest.param("*", "is a wildcard, not an ARN", id="a bare wildcard is not an ARN"),
    ],
)
def test_bad_arns_give_one_clear_message(text: str, message: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        arn.parse(text)
    assert len(caught.value.issues) == 1
    issue = caught.value.issues[0]
    assert message in issue.message
    assert issue.path == "arn"
    assert issue.message == issue.message.rstrip(".")


def test_unknown_partition_suggests_the_closest() -> None:
    with pytest.raises(XrayKitError) as caught:
        arn.parse("arn:aws-cm:xray:cn-north-1:123456789012:group/a/b")
    assert caught.value.issues[0].hint == "did you mean `aws-cn`?"


def test_the_error_path_can_be_given() -> None:
    with pytest.raises(XrayKitError) as caught:
        arn.parse("arn:aws:xray:us-east-1:1:group/x", path="Statement[0].Resource")
    assert caught.value.issues[0].path == "Statement[0].Resource"


def test_group_arn_has_name_and_generated_id() -> None:
    text = arn.group_arn("prod")
    parsed = arn.parse(text)
    name, group_id = parsed.resource_id.split("/")
    assert (parsed.service, parsed.region, parsed.account, parsed.resource_type) == (
        "xray",
        "us-east-1",
        "123456789012",
        "group",
    )
    assert name == "prod"
    assert re.fullmatch(r"[A-Z2-7]{52}", group_id)


def test_group_arn_without_generator_is_the_same_every_time() -> None:
    assert arn.group_arn("prod") == arn.group_arn("prod")
    assert arn.group_arn("prod") != arn.group_arn("prod", region="eu-west-1")


def test_seeded_generators_repeat_their_sequence() -> None:
    first, second = arn.IdGenerator(seed=7), arn.IdGenerator(seed=7)
    a = [arn.group_arn("g", ids=first) for _ in range(3)]
    b = [arn.group_arn("g", ids=second) for _ in range(3)]
    assert a == b
    assert len(set(a)) == 3, "each new group gets a new ID"
    assert a[0] != arn.group_arn("g", ids=arn.IdGenerator(seed=8))


def test_sampling_rule_arn_is_name_only() -> None:
    assert arn.sampling_rule_arn("base-scorekeep", region="eu-west-1") == (
        "arn:aws:xray:eu-west-1:123456789012:sampling-rule/base-scorekeep"
    )


def test_group_pattern_covers_any_id() -> None:
    assert arn.group_pattern("local-users", region="eu-west-1") == (
        "arn:aws:xray:eu-west-1:123456789012:group/local-users/*"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: arn.group_arn("has/slash"), "not a valid group name", id="a slash in a group name"
        ),
        pytest.param(
            lambda: arn.group_arn("x" * 33), "not a valid group name", id="a group name of 33 characters"
        ),
        pytest.param(
            lambda: arn.sampling_rule_arn(""), "not a valid sampling rule name", id="an empty rule name"
        ),
        pytest.param(
            lambda: arn.group_arn("g", account="12345"), "5 digits", id="a bad account for a new group"
        ),
        pytest.param(
            lambda: arn.group_pattern("g", region="useast"), "region `useast`", id="a bad region in a pattern"
        ),
    ],
)
def test_builders_reject_bad_input(call: object, message: str) -> None:
    with pytest.raises(XrayKitError, match=re.escape(message)):
        call()  # type: ignore[operator]


def test_diff_names_the_differing_segments() -> None:
    other = "arn:aws:xray:eu-west-1:123456789012:group/prod/*"
    found = arn.diff(GROUP, other)
    assert [d.segment for d in found] == ["region", "resource id"]
    assert found[0].left == "us-east-1" and found[0].right == "eu-west-1"
    assert arn.diff(GROUP, GROUP) == ()


def test_diff_of_different_resource_types() -> None:
    found = arn.diff(GROUP, "arn:aws:xray:us-east-1:123456789012:sampling-rule/prod")
    assert [d.segment for d in found] == ["resource type", "resource id"]


def test_diff_rejects_a_non_arn_with_its_side() -> None:
    with pytest.raises(XrayKitError) as caught:
        arn.diff(GROUP, "nope")
    assert caught.value.issues[0].path == "b"


names = st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True)
regions = st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"])
accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)


@given(name=names, region=regions, account=accounts, seed=st.integers())
def test_group_arns_round_trip(name: str, region: str, account: str, seed: int) -> None:
    text = arn.group_arn(name, region=region, account=account, ids=arn.IdGenerator(seed))
    parsed = arn.parse(text)
    assert str(parsed) == text
    assert parsed.resource_id.split("/")[0] == name


@given(
    name=st.text(
        st.characters(blacklist_characters="/:", blacklist_categories=("Cs",)), min_size=1, max_size=32
    ).filter(lambda s: s == s.strip()),
    region=regions,
    account=accounts,
)
def test_sampling_rule_arns_round_trip(name: str, region: str, account: str) -> None:
    text = arn.sampling_rule_arn(name, region=region, account=account)
    parsed = arn.parse(text)
    assert (str(parsed), parsed.resource_type, parsed.resource_id) == (text, "sampling-rule", name)

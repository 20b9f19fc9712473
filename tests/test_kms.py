"""KMS for X-Ray: key policy blocks, the AWS managed key, symmetric keys only, who can configure and read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from xraykit import catalog, kms
from xraykit.account import Account
from xraykit.engine import simulate
from xraykit.errors import XrayKitError
from xraykit.kms import (
    KeyAccess,
    KeyManager,
    aws_managed_key,
    aws_managed_key_policy,
    block,
    check_symmetric,
    customer_managed_key,
    encryption_access,
    key_policy,
    key_policy_access,
    kms_context,
    via_service,
)

CAROL = "arn:aws:iam::123456789012:user/carol"
DAVE = "arn:aws:iam::123456789012:user/dave"


def test_the_default_key_policy_is_the_root_statement_alone() -> None:
    policy = key_policy()
    assert len(policy["Statement"]) == 1
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert policy["Statement"][0]["Action"] == "kms:*"


def test_the_blocks_rebuild_the_console_policy_of_the_catalog() -> None:
    console = catalog.kms_facts().console_key_policy
    rebuilt = key_policy(
        "111122223333",
        administrators=[
            "arn:aws:iam::111122223333:user/KMSAdminUser",
            "arn:aws:iam::111122223333:role/KMSAdminRole",
        ],
        users=[
            "arn:aws:iam::111122223333:user/CMKUser",
            "arn:aws:iam::111122223333:role/CMKRole",
            "arn:aws:iam::444455556666:root",
        ],
    )
    assert rebuilt["Statement"] == console["Statement"]


def test_a_single_principal_is_written_as_a_string() -> None:
    statement = key_policy(root=False, users=[CAROL])["Statement"][0]
    assert statement["Principal"] == {"AWS": CAROL}


@pytest.mark.parametrize(
    ("kwargs", "sids"),
    [
        pytest.param({}, ["Enable IAM User Permissions"], id="root only by default"),
        pytest.param(
            {"root": False, "users": [CAROL]},
            ["Allow use of the key", "Allow attachment of persistent resources"],
            id="key users get the use and the grant statements",
        ),
        pytest.param(
            {"root": False, "users": [CAROL], "grants": []},
            ["Allow use of the key"],
            id="the grant statement can be left out",
        ),
        pytest.param(
            {"root": False, "administrators": [DAVE]},
            ["Allow access for Key Administrators"],
            id="administrators get the management statement",
        ),
    ],
)
def test_key_policy_blocks(kwargs, sids) -> None:
    assert [s["Sid"] for s in key_policy(**kwargs)["Statement"]] == sids


def test_an_unknown_block_suggests_the_closest() -> None:
    with pytest.raises(XrayKitError, match="did you mean `users`"):
        block("user")


def test_the_aws_managed_key_is_usable_only_through_xray_in_the_account() -> None:
    policy = aws_managed_key_policy("123456789012", "eu-west-1")
    through = policy["Statement"][0]
    assert through["Principal"] == {"AWS": "*"}
    assert through["Condition"]["StringEquals"] == {
        "kms:CallerAccount": "123456789012",
        "kms:ViaService": "xray.eu-west-1.amazonaws.com",
    }
    key = aws_managed_key()
    assert key.alias == "alias/aws/xray" and key.manager is KeyManager.AWS and key.symmetric


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param(
            "RSA_2048",
            "`RSA_2048` is an asymmetric key spec: X-Ray encrypts only with symmetric keys",
            id="an RSA key is refused",
        ),
        pytest.param("ECC_NIST_P256", "asymmetric", id="an elliptic-curve key is refused"),
        pytest.param("HMAC_256", "`HMAC_256` is an hmac key spec", id="an HMAC key is refused"),
        pytest.param(
            "SYMMETRIC", "unknown key spec `SYMMETRIC`", id="an unknown spec suggests the right one"
        ),
    ],
)
def test_only_symmetric_keys_are_accepted(spec, message) -> None:
    with pytest.raises(XrayKitError) as raised:
        check_symmetric(spec)
    assert message in str(raised.value)


def test_a_symmetric_key_passes() -> None:
    check_symmetric("SYMMETRIC_DEFAULT")
    assert customer_managed_key("x").symmetric


def test_aws_aliases_are_reserved() -> None:
    with pytest.raises(XrayKitError, match="reserved for AWS managed keys"):
        customer_managed_key("aws/xray")


def test_keys_are_deterministic_and_answer_to_every_name() -> None:
    key = customer_managed_key("xray-cmk", seed=1)
    assert key == customer_managed_key("alias/xray-cmk", seed=1)
    assert key.key_id != customer_managed_key("xray-cmk", seed=2).key_id
    assert set(key.names()) == {
        key.key_id,
        key.arn,
        "alias/xray-cmk",
        "arn:aws:kms:us-east-1:123456789012:alias/xray-cmk",
    }


@pytest.mark.parametrize(
    ("action", "via", "expected"),
    [
        pytest.param(
            "kms:Decrypt",
            True,
            {"kms:ViaService": "xray.us-east-1.amazonaws.com", "aws:ViaAWSService": "true"},
            id="a request through X-Ray carries kms:ViaService",
        ),
        pytest.param(
            "kms:CreateGrant",
            True,
            {"kms:GrantIsForAWSResource": "true"},
            id="a grant X-Ray creates is for an AWS resource",
        ),
        pytest.param(
            "kms:CreateGrant",
            False,
            {"kms:GrantIsForAWSResource": "false", "aws:ViaAWSService": "false"},
            id="a grant the caller creates directly is not",
        ),
    ],
)
def test_kms_context(action, via, expected) -> None:
    context = kms_context(
        customer_managed_key("k"),
        caller_account="123456789012",
        region="us-east-1",
        action=action,
        via_xray=via,
    )
    for key, value in expected.items():
        assert context[key] == value
    assert ("kms:ViaService" in context) is via
    assert context["kms:CallerAccount"] == "123456789012"


def test_via_service_names_the_regional_endpoint() -> None:
    assert via_service("eu-west-1") == "xray.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("policy", "principal", "action", "access"),
    [
        pytest.param(
            key_policy(users=[CAROL]),
            CAROL,
            "kms:Decrypt",
            KeyAccess.NAMED,
            id="a key user is named for Decrypt",
        ),
        pytest.param(
            key_policy(users=[CAROL]),
            CAROL,
            "kms:CreateGrant",
            KeyAccess.NAMED,
            id="a key user is named for grants X-Ray creates",
        ),
        pytest.param(
            key_policy(users=[CAROL]),
            DAVE,
            "kms:Decrypt",
            KeyAccess.DELEGATED,
            id="anyone else depends on IAM through the root statement",
        ),
        pytest.param(
            key_policy(root=False, users=[CAROL]),
            DAVE,
            "kms:Decrypt",
            KeyAccess.NONE,
            id="without the root statement IAM cannot help",
        ),
        pytest.param(
            key_policy(root=False, administrators=[DAVE]),
            DAVE,
            "kms:Decrypt",
            KeyAccess.NONE,
            id="a key administrator is not a key user",
        ),
    ],
)
def test_named_versus_delegated(policy, principal, action, access) -> None:
    assert key_policy_access(customer_managed_key("k", policy=policy), principal, action) is access


def test_named_means_no_iam_policy_is_needed_and_delegated_means_one_is() -> None:
    key = customer_managed_key("k", policy=key_policy(users=[CAROL]))
    context = kms_context(key, caller_account="123456789012", region="us-east-1", action="kms:Decrypt")
    assert simulate(
        "kms:Decrypt", key.arn, principal=CAROL, context=context, resource_policy=key.policy_input()
    ).allowed
    alone = simulate(
        "kms:Decrypt", key.arn, principal=DAVE, context=context, resource_policy=key.policy_input()
    )
    assert not alone.allowed
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
    }
    assert simulate(
        "kms:Decrypt",
        key.arn,
        principal=DAVE,
        context=context,
        resource_policy=key.policy_input(),
        identity_policies=[allow],
    ).allowed


def test_iam_cannot_grant_what_the_key_policy_does_not_delegate() -> None:
    key = customer_managed_key("k", policy=key_policy(root=False, users=[CAROL]))
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    evaluation = simulate(
        "kms:Decrypt", key.arn, principal=DAVE, resource_policy=key.policy_input(), identity_policies=[allow]
    )
    assert not evaluation.allowed
    assert evaluation.reason.value == "key-policy-required"


@pytest.fixture
def account() -> Account:
    account = Account()
    account.add_user("admin", ["AWSXrayFullAccess"])
    account.add_user("carol", ["AWSXrayFullAccess"])
    account.add_user("reader", ["AWSXrayReadOnlyAccess"])
    account.add_user("keyreader", ["AWSXrayReadOnlyAccess"])
    account.add_key("xray-cmk", users=["carol", "keyreader"])
    return account


def test_who_can_do_what_with_default_encryption(account) -> None:
    table = encryption_access(account)
    assert table.setting == "default encryption"
    assert [(r.principal, r.change_setting, r.read_traces) for r in table.rows] == [
        ("admin", True, True),
        ("carol", True, True),
        ("keyreader", False, True),
        ("reader", False, True),
    ]


def test_who_can_do_what_with_a_customer_managed_key(account) -> None:
    account.set_encryption("KMS", "alias/xray-cmk")
    table = encryption_access(account)
    rows = {r.principal: (r.change_setting, r.configure_key, r.read_traces) for r in table.rows}
    assert rows == {
        "admin": (True, False, False),
        "carol": (True, True, True),
        "keyreader": (False, False, True),
        "reader": (False, False, False),
    }
    admin = table.row("admin")
    assert admin.configure_failure is not None and "kms:DescribeKey" in admin.configure_failure
    text = str(table)
    assert text.splitlines()[0] == "encryption: KMS key alias/xray-cmk"
    assert "read: `kms:Decrypt`" in text
    assert "<table>" in table._repr_html_()


def test_the_report_is_reachable_from_kms_where_it_is_taught(account) -> None:
    # without a key, configuring is the bare PutEncryptionConfig; with the key, the key policy counts too
    assert kms.encryption_access(account, ["admin"]).rows[0].configure_key is True
    assert kms.encryption_access(account, ["admin"], key="alias/xray-cmk").rows[0].configure_key is False
    assert kms.encryption_access(account, ["carol"], key="alias/xray-cmk").rows[0].configure_key is True


def test_configuring_a_customer_managed_key_records_the_grant_for_xray(account) -> None:
    record = account.call("carol", "PutEncryptionConfig", Type="KMS", KeyId="alias/xray-cmk")
    assert [r.action for r in record.requests] == [
        "xray:PutEncryptionConfig",
        "kms:DescribeKey",
        "kms:CreateGrant",
    ]
    key = account.kms_key("alias/xray-cmk")
    assert [g.grantee for g in key.grants] == ["xray.amazonaws.com"]
    assert account.encryption.key_arn == key.arn


def test_uploads_note_when_xray_cannot_use_the_key(account) -> None:
    account.set_encryption("KMS", "alias/xray-cmk")  # set directly: no grant was made for X-Ray
    record = account.call("admin", "PutTraceSegments", TraceSegmentDocuments=["{}"])
    assert record.allowed
    assert record.notes == ("X-Ray cannot use the key `alias/xray-cmk`, so it stops storing trace data",)


_ACCOUNT_HINT = "an AWS account ID is 12 digits, e.g. `123456789012`"
_PRINCIPAL_HINT = "e.g. `arn:aws:iam::123456789012:role/XrayAdmin`"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda: kms.customer_managed_key("not an alias!"),
            [
                (
                    "alias",
                    "`not an alias!` is not a key alias",
                    "an alias is 1 to 250 letters, digits, `/`, `_` or `-`, e.g. `xray-traces`",
                )
            ],
            id="an alias with spaces",
        ),
        pytest.param(
            lambda: kms.customer_managed_key(123),
            [
                (
                    "alias",
                    "a number is not a key alias",
                    "an alias is 1 to 250 letters, digits, `/`, `_` or `-`, e.g. `xray-traces`",
                )
            ],
            id="an alias that is a number",
        ),
        pytest.param(
            lambda: kms.customer_managed_key("xray-traces", account="12", region="useast"),
            [
                ("account", "`12` is not an account ID", _ACCOUNT_HINT),
                ("region", "`useast` is not a region code", "a region code looks like `us-east-1`"),
            ],
            id="a bad account and region are both reported",
        ),
        pytest.param(
            lambda: kms.customer_managed_key("xray-traces", tags={"team": 1}),
            [("tags.team", "expected text, not a number", None)],
            id="a tag value that is not a string",
        ),
        pytest.param(
            lambda: kms.customer_managed_key("xray-traces", policy="{}"),
            [("policy", "a key policy must be a JSON object, not a string", None)],
            id="a key policy given as text",
        ),
        pytest.param(
            lambda: kms.aws_managed_key(account=123456789012),
            [("account", "a number is not an account ID", _ACCOUNT_HINT)],
            id="an account given as a number",
        ),
        pytest.param(
            lambda: kms.key_policy(users="arn:aws:iam::123456789012:user/alice"),
            [
                (
                    "users",
                    "`users` must be a list of principal ARNs, not a string",
                    'e.g. `users=["arn:aws:iam::123456789012:role/XrayAdmin"]`',
                )
            ],
            id="one user not in a list",
        ),
        pytest.param(
            lambda: kms.key_policy(administrators=["alice", 5]),
            [
                ("administrators[0]", "`alice` is not a principal ARN", _PRINCIPAL_HINT),
                ("administrators[1]", "a principal must be an ARN, not a number", _PRINCIPAL_HINT),
            ],
            id="principals that are not ARNs",
        ),
        pytest.param(
            lambda: kms.aws_managed_key_policy(region="US-EAST-1"),
            [("region", "`US-EAST-1` is not a region code", "a region code looks like `us-east-1`")],
            id="a region in capitals",
        ),
    ],
)
def test_keys_and_key_policies_refuse_bad_arguments_with_every_issue(
    call: Callable[[], object], expected: list[tuple[str, str, str | None]]
) -> None:
    with pytest.raises(XrayKitError) as caught:
        call()
    assert [(i.path, i.message, i.hint) for i in caught.value.issues] == expected

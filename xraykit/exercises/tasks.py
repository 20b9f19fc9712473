"""The exercises at the end of each notebook: the task, the requests that test an answer, a solution.

Contexts are written the way AWS builds them for each call (``aws:RequestTag/...`` and
``aws:TagKeys`` from the tags a request carries, ``aws:ResourceTag/...`` from the target's tags).
"""

from __future__ import annotations

from xraykit import arn as arns
from xraykit.exercises.model import (
    ALLOW_XRAY,
    DAEMON,
    DEV,
    KEY,
    LOCAL,
    PROD,
    STAGE_PROD,
    VIA,
    Exercise,
    doc,
    group,
    req,
)

__all__ = ["EXERCISES"]

_ADMIN = "arn:aws:iam::123456789012:user/admin"
_READER = "arn:aws:iam::123456789012:user/reader"
_GRANT = {**VIA, "kms:GrantIsForAWSResource": "true"}
_PROD_CTX = {"aws:ResourceTag/stage": "prod"}

# fmt: off
EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "read-prod-group", "00_index",
        "let alice read the group `prod` (whatever its ID), and nothing else", "identity",
        (req("GetGroup", PROD), req("GetGroup", DEV, False), req("DeleteGroup", PROD, False),
         req("GetServiceGraph", allow=False)),
        doc({"Effect": "Allow", "Action": "xray:GetGroup",
             "Resource": "arn:aws:xray:*:123456789012:group/prod/*"}),
        only=True),
    Exercise(
        "daemon-actions", "01_actions_and_wildcards",
        "list the actions the X-Ray daemon needs: exactly those, no more", "actions",
        tuple(req(a) for a in DAEMON), list(DAEMON), only=True),
    Exercise(
        "notaction-fix", "01_actions_and_wildcards",
        "allow every X-Ray action except changing encryption, and nothing outside X-Ray", "identity",
        (req("GetServiceGraph"), req("CreateGroup", PROD), req("PutTraceSegments"),
         req("PutEncryptionConfig", allow=False),
         req("iam:CreateUser", "arn:aws:iam::123456789012:user/bob", False),
         req("s3:GetObject", "arn:aws:s3:::my-bucket/key", False)),
        doc(ALLOW_XRAY, {"Effect": "Deny", "Action": "xray:PutEncryptionConfig", "Resource": "*"})),
    Exercise(
        "local-users-groups", "02_resources_and_arns",
        "let a user create, read, update and delete only the groups named `local-users` in eu-west-1, "
        "and list all groups", "identity",
        (*(req(a, LOCAL) for a in ("CreateGroup", "GetGroup", "UpdateGroup", "DeleteGroup")),
         req("GetGroups"), req("DeleteGroup", group("prod", "eu-west-1"), False),
         req("UpdateGroup", group("local-users"), False)),
        doc({"Effect": "Allow", "Resource": "arn:aws:xray:eu-west-1:123456789012:group/local-users/*",
             "Action": ["xray:CreateGroup", "xray:GetGroup", "xray:UpdateGroup", "xray:DeleteGroup"]},
            {"Effect": "Allow", "Action": "xray:GetGroups", "Resource": "*"}),
        only=True),
    Exercise(
        "protect-prod-groups", "03_tags",
        "allow all of X-Ray but protect groups tagged stage=prod: no update or delete, "
        "and no untag-then-delete", "identity",
        (req("CreateGroup", DEV, context={"aws:RequestTag/stage": "dev", "aws:TagKeys": ["stage"]}),
         req("UpdateGroup", DEV, context={"aws:ResourceTag/stage": "dev"}),
         req("DeleteGroup", PROD, False, context=_PROD_CTX),
         req("UntagResource", PROD, False, context={**_PROD_CTX, "aws:TagKeys": ["stage"]}),
         req("TagResource", PROD, False,
             context={**_PROD_CTX, "aws:RequestTag/stage": "dev", "aws:TagKeys": ["stage"]}),
         req("CreateGroup", PROD, False, context={"aws:RequestTag/stage": "prod", "aws:TagKeys": ["stage"]})),
        doc({"Sid": "AllowAllXRay", **ALLOW_XRAY},
            {"Sid": "DenyCreateProd", "Effect": "Deny", "Action": "xray:CreateGroup", "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/stage": ["preprod", "prod"]}}},
            {"Sid": "DenyChangesToProd", "Effect": "Deny", "Resource": "*", "Condition": STAGE_PROD,
             "Action": ["xray:UpdateGroup", "xray:DeleteGroup", "xray:TagResource", "xray:UntagResource"]})),
    Exercise(
        "tag-keys-allowlist", "04_conditions",
        "allow tagging groups only with the keys `team` and `stage`, and at least one tag", "identity",
        (req("TagResource", DEV, context={"aws:TagKeys": ["team"], "aws:RequestTag/team": "web"}),
         req("TagResource", DEV, context={"aws:TagKeys": ["team", "stage"], "aws:RequestTag/team": "web",
                                           "aws:RequestTag/stage": "dev"}),
         req("TagResource", DEV, False, context={"aws:TagKeys": ["owner"], "aws:RequestTag/owner": "bob"}),
         req("TagResource", DEV, False, context={"aws:TagKeys": ["team", "owner"],
                                                  "aws:RequestTag/team": "web",
                                                  "aws:RequestTag/owner": "bob"}),
         req("TagResource", DEV, False)),
        doc({"Effect": "Allow", "Action": "xray:TagResource", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]},
                           "Null": {"aws:TagKeys": "false"}}})),
    Exercise(
        "daemon-least-privilege", "05_managed_policies",
        "write the smallest policy for the X-Ray daemon (what AWSXRayDaemonWriteAccess grants, no more)",
        "identity", tuple(req(a) for a in DAEMON),
        doc({"Effect": "Allow", "Action": list(DAEMON), "Resource": "*"}), only=True),
    Exercise(
        "key-policy-readers", "06_kms_encryption",
        "write a key policy: `admin` may point X-Ray at the key, `reader` may read encrypted traces, "
        "nobody else", "key-policy",
        (req("kms:DescribeKey", KEY, principal=_ADMIN, context=VIA),
         req("kms:CreateGrant", KEY, principal=_ADMIN, context=_GRANT),
         req("kms:Decrypt", KEY, principal=_READER, context=VIA),
         req("kms:CreateGrant", KEY, False, principal=_READER, context=_GRANT),
         req("kms:Decrypt", KEY, False, principal="arn:aws:iam::123456789012:user/mallory", context=VIA)),
        doc({"Sid": "Configure", "Effect": "Allow", "Principal": {"AWS": _ADMIN},
             "Action": "kms:CreateGrant", "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
            {"Sid": "Describe", "Effect": "Allow", "Principal": {"AWS": _ADMIN},
             "Action": "kms:DescribeKey", "Resource": "*"},
            {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": _READER}, "Action": "kms:Decrypt",
             "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": VIA["kms:ViaService"]}}})),
    Exercise(
        "boundary-no-config", "08_playground",
        "alice holds AWSXrayFullAccess: write a permissions boundary so she can read and upload traces "
        "but never change encryption or sampling rules", "boundary",
        (req("GetServiceGraph"), req("BatchGetTraces"), req("PutTraceSegments"),
         req("PutEncryptionConfig", allow=False),
         req("UpdateSamplingRule", arns.sampling_rule_arn("Default"), False),
         req("CreateSamplingRule", arns.sampling_rule_arn("base-scorekeep"), False)),
        doc({"Effect": "Allow", "Resource": "*",
             "Action": ["xray:Get*", "xray:BatchGet*", "xray:PutTraceSegments",
                        "xray:PutTelemetryRecords"]})),
)
# fmt: on

"""The gotchas quiz: one card per IAM trap the kit demonstrates.

Each card holds a request and the policies it meets; the answer written on it is what the tests
check the simulator against, and the quiz widget asks the simulator again when a card is revealed.
"""

from __future__ import annotations

from xraykit.exercises.model import ALLOW_XRAY, DEV, KEY, PROD, STAGE_PROD, QuizCard, doc

__all__ = ["QUIZ"]

_GUIDE = "AWS X-Ray Developer Guide, 'How AWS X-Ray works with IAM'"
_EXAMPLES = "AWS X-Ray Developer Guide, 'AWS X-Ray identity-based policy examples'"
_IAM = "IAM User Guide, 'Policy evaluation logic'"
_ELEMENTS = "IAM User Guide, 'IAM JSON policy elements'"
_GROUP = "arn:aws:xray:us-east-1:123456789012:group/"


def _allow(action: str, resource: str = "*", **extra: object) -> dict[str, object]:
    return {"identity_policies": [doc({"Effect": "Allow", "Action": action, "Resource": resource, **extra})]}


# fmt: off
_DENY_PROD_CHANGES = doc(ALLOW_XRAY, {"Effect": "Deny", "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
                                      "Resource": "*", "Condition": STAGE_PROD})
_DENY_SEED_KEY = doc(ALLOW_XRAY, {"Effect": "Deny", "Action": "xray:DeleteGroup", "Resource": "*",
                                  "Condition": {"StringEquals": {"xray:ResourceTag/stage": "prod"}}})
_NOT_ACTION = doc({"Effect": "Allow", "NotAction": "xray:PutEncryptionConfig", "Resource": "*"})
_DENY_CONFIG = doc({"Effect": "Deny", "Action": "xray:PutEncryptionConfig", "Resource": "*"})
_ADMIN_ONLY = doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/admin"},
                   "Action": "kms:*", "Resource": "*"})

QUIZ: tuple[QuizCard, ...] = (
    QuizCard(
        "arn-on-star-action",
        "A policy allows `xray:GetServiceGraph` on the group `prod`'s ARN. "
        "Can the user read the service map?",
        "xray:GetServiceGraph", "*", _allow("xray:GetServiceGraph", PROD), "ImplicitlyDenied",
        "GetServiceGraph has no resource-level permissions: IAM asks about `*`, "
        "which an ARN never matches",
        f"{_GUIDE}, Resources"),
    QuizCard(
        "get-star-not-read-only",
        "A policy allows `xray:Get*`. Can the console fetch full traces with `BatchGetTraces`?",
        "xray:BatchGetTraces", "*", _allow("xray:Get*"), "ImplicitlyDenied",
        "`xray:Get*` matches names, not access levels: BatchGetTraces and the List actions "
        "are reads it misses",
        f"{_GUIDE}, Actions"),
    QuizCard(
        "notaction-allow",
        "`Allow` with `NotAction: xray:PutEncryptionConfig` on `*`. May the user create IAM users?",
        "iam:CreateUser", "arn:aws:iam::123456789012:user/bob", {"identity_policies": [_NOT_ACTION]},
        "Allowed", "Allow with NotAction grants every action of every service except the ones listed",
        f"{_ELEMENTS}: NotAction"),
    QuizCard(
        "group-arn-without-id",
        f"A policy allows `xray:GetGroup` on `{_GROUP}prod`. Can the user read the group `prod`?",
        "xray:GetGroup", PROD, _allow("xray:GetGroup", f"{_GROUP}prod"), "ImplicitlyDenied",
        "a group ARN ends in a generated ID: write `group/prod/*`", f"{_GUIDE}, Resources"),
    QuizCard(
        "seed-xray-resourcetag",
        "The seed page names the key `xray:ResourceTag/stage`. A policy allows `xray:*` and denies "
        "DeleteGroup when `xray:ResourceTag/stage` is `prod`. Can the user delete a group tagged "
        "stage=prod?",
        "xray:DeleteGroup", PROD, {"identity_policies": [_DENY_SEED_KEY]}, "Allowed",
        "X-Ray has no `xray:ResourceTag` key, so the condition never holds and the Deny never "
        "applies: use `aws:ResourceTag`",
        f"{_GUIDE}, Authorization based on X-Ray tags", {"aws:ResourceTag/stage": "prod"}),
    QuizCard(
        "untag-then-delete",
        "The docs' policy allows `xray:*` and denies UpdateGroup and DeleteGroup on groups tagged "
        "stage=prod. Can the user remove the `stage` tag from such a group?",
        "xray:UntagResource", PROD, {"identity_policies": [_DENY_PROD_CHANGES]}, "Allowed",
        "untagging is not denied, and once the tag is gone the Deny no longer applies: "
        "deny TagResource and UntagResource too",
        f"{_EXAMPLES}, tags", {"aws:ResourceTag/stage": "prod", "aws:TagKeys": ["stage"]}),
    QuizCard(
        "forallvalues-empty",
        "A policy allows CreateGroup only if `ForAllValues:StringEquals` `aws:TagKeys` is `team`. "
        "Can the user create a group with no tags at all?",
        "xray:CreateGroup", DEV,
        _allow("xray:CreateGroup", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}),
        "Allowed", "ForAllValues over no values is true: add a `Null` check to require tags",
        "IAM User Guide, 'Multivalued context keys'"),
    QuizCard(
        "action-case", "A policy allows `XRAY:getgroup` (odd case). Does it grant `xray:GetGroup`?",
        "xray:GetGroup", PROD, _allow("XRAY:getgroup"), "Allowed", "action names are case-insensitive",
        f"{_ELEMENTS}: Action"),
    QuizCard(
        "resource-case", "A policy allows GetGroup on `group/Prod/*`. Can the user read the group `prod`?",
        "xray:GetGroup", PROD, _allow("xray:GetGroup", f"{_GROUP}Prod/*"), "ImplicitlyDenied",
        "the resource part of an ARN is case-sensitive", f"{_ELEMENTS}: Resource"),
    QuizCard(
        "explicit-deny-wins",
        "AWSXrayFullAccess plus a Deny on `xray:PutEncryptionConfig`. Can the user change encryption?",
        "xray:PutEncryptionConfig", "*", {"identity_policies": ["AWSXrayFullAccess", _DENY_CONFIG]},
        "ExplicitlyDenied", "an explicit deny anywhere wins over every allow", _IAM),
    QuizCard(
        "boundary-limits",
        "A role has AWSXrayFullAccess and the permissions boundary AWSXrayReadOnlyAccess. "
        "Can it upload segments?",
        "xray:PutTraceSegments", "*",
        {"identity_policies": ["AWSXrayFullAccess"], "permission_boundaries": ["AWSXrayReadOnlyAccess"]},
        "ImplicitlyDenied", "a boundary grants nothing; it caps what identity policies grant", _IAM),
    QuizCard(
        "kms-iam-alone",
        "alice's IAM policy allows `kms:Decrypt`; the key policy names only the key admin. "
        "Can alice decrypt?",
        "kms:Decrypt", KEY, {**_allow("kms:Decrypt"), "resource_policy": _ADMIN_ONLY}, "ImplicitlyDenied",
        "for KMS, IAM policies count only if the key policy names the user or delegates to the account",
        f"{_GUIDE}, User permissions for encryption"),
)
# fmt: on

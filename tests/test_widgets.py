"""Widgets tested headless: build one, set a control's value, check the result it keeps.

No kernel and no browser: an observer runs synchronously when ``.value`` changes, exactly as after a
learner's edit. Bad input must leave the last good result in place and show the issues inline.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("ipywidgets")

from xraykit.widgets import arn_dissector, matrix_view, pattern_explorer, playground, quiz
from xraykit.widgets.playground import PRESETS, parse_policies

# ------------------------------------------------------------------------------------------
# pattern explorer


@pytest.mark.parametrize(
    ("pattern", "count", "includes", "excludes"),
    [
        pytest.param(
            "xray:Get*",
            18,
            "xray:GetServiceGraph",
            "xray:BatchGetTraces",
            id="xray:Get* grants the 18 Get actions but not BatchGetTraces",
        ),
        pytest.param(
            "XRAY:getgroup", 1, "xray:GetGroup", "xray:GetGroups", id="action names match whatever their case"
        ),
        pytest.param(
            "xray:Get?roup", 1, "xray:GetGroup", "xray:GetGroups", id="a question mark is one character"
        ),
        pytest.param(
            "xray:Put*",
            6,
            "xray:PutEncryptionConfig",
            "xray:GetGroup",
            id="xray:Put* also grants encryption configuration",
        ),
    ],
)
def test_pattern_explorer_expands_what_is_typed(pattern, count, includes, excludes):
    explorer = pattern_explorer()
    explorer.pattern.value = pattern
    names = [a for a, _ in explorer.result.actions]
    assert len(names) == count
    assert includes in names
    assert excludes not in names
    assert explorer.error is None


def test_pattern_explorer_default_is_the_seed_example_and_says_what_it_misses():
    explorer = pattern_explorer()
    assert explorer.result.pattern == "xray:Get*"
    assert dict(explorer.result.levels) == {"Read": 18}
    assert "xray:BatchGetTraces" in explorer.result.reading_missed
    assert "misses" in explorer.status.value


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param("GetGroup", "has no service prefix", id="a pattern without a service prefix is refused"),
        pytest.param("xrya:Get*", "xrya", id="an unknown service is refused with its name"),
    ],
)
def test_pattern_explorer_keeps_the_last_good_result_on_bad_input(bad, message):
    explorer = pattern_explorer()
    explorer.pattern.value = "xray:List*"
    good = explorer.result
    explorer.pattern.value = bad
    assert explorer.result is good
    assert explorer.error is not None
    assert message in explorer.issues.value
    explorer.pattern.value = "xray:Get*"
    assert explorer.error is None and explorer.issues.value == ""


# ------------------------------------------------------------------------------------------
# ARN dissector


def test_arn_dissector_default_is_the_seed_create_group_example():
    dissector = arn_dissector()
    result = dissector.result
    assert result.action == "xray:CreateGroup"
    assert result.matched and all(ok for *_, ok in result.segments)
    assert result.resource_type == "group"
    assert result.evaluation.decision.value == "Allowed"
    assert "Allowed" in dissector.status.value


@pytest.mark.parametrize(
    ("control", "value", "segment", "decision"),
    [
        pytest.param(
            "arn",
            "arn:aws:xray:us-east-1:123456789012:group/local-users/ABC",
            "region",
            "ImplicitlyDenied",
            id="a group in another region differs in the region segment",
        ),
        pytest.param(
            "arn",
            "arn:aws:xray:eu-west-1:111122223333:group/local-users/ABC",
            "account",
            "ImplicitlyDenied",
            id="a group of another account differs in the account segment",
        ),
        pytest.param(
            "pattern",
            "arn:aws:xray:eu-west-1:123456789012:group/local-users",
            "resource",
            "ImplicitlyDenied",
            id="a group pattern without the ID part never matches",
        ),
    ],
)
def test_arn_dissector_names_the_segment_that_differs(control, value, segment, decision):
    dissector = arn_dissector()
    getattr(dissector, control).value = value
    differing = [name for name, _, _, ok in dissector.result.segments if not ok]
    assert differing == [segment]
    assert dissector.result.evaluation.decision.value == decision


def test_arn_dissector_asks_about_star_for_an_action_without_resources():
    dissector = arn_dissector()
    dissector.action.value = "xray:GetServiceGraph"
    assert dissector.result.arn == "*"
    assert dissector.result.evaluation.decision.value == "ImplicitlyDenied"
    assert "takes no resource" in dissector.view.value


def test_arn_dissector_shows_a_bad_arn_inline_and_keeps_the_result():
    dissector = arn_dissector()
    good = dissector.result
    dissector.arn.value = "arn:aws:xray:eu-west-1:12345:group/x/y"
    assert dissector.result is good
    assert "12" in dissector.issues.value and dissector.error is not None


# ------------------------------------------------------------------------------------------
# playground


def test_playground_default_allows_the_console_user():
    pg = playground()
    assert pg.evaluation.decision.value == "Allowed"
    assert "Allowed" in pg.status.value


@pytest.mark.parametrize(
    ("preset", "decision"),
    [
        pytest.param(name, preset_decision, id=f"preset '{name}' gives {preset_decision}")
        for name, preset_decision in [
            ("console user reads the service map", "Allowed"),
            ("read-only user changes encryption", "ImplicitlyDenied"),
            ("daemon role uploads segments", "Allowed"),
            ("deny deleting prod groups", "ExplicitlyDenied"),
            ("boundary limits full access", "ImplicitlyDenied"),
            ("SCP denies outside one region", "ExplicitlyDenied"),
            ("key policy without the user", "ImplicitlyDenied"),
        ]
    ],
)
def test_playground_presets_give_the_documented_decision(preset, decision):
    pg = playground()
    pg.preset.value = preset
    assert pg.error is None
    assert pg.evaluation.decision.value == decision


def test_every_preset_is_tested():
    assert len(PRESETS) == 7


def test_playground_recomputes_when_the_request_changes():
    pg = playground()
    pg.action.value = "xray:PutTraceSegments"
    assert pg.evaluation.decision.value == "ImplicitlyDenied"
    assert pg.evaluation.request.action == "xray:PutTraceSegments"
    assert "identity-based policy" in pg.flow.value


@pytest.mark.parametrize(
    ("control", "text", "message"),
    [
        pytest.param(
            "identity",
            '{"Version": "2012-10-17", "Statement": [',
            "not valid JSON",
            id="invalid JSON in a policy is shown inline",
        ),
        pytest.param(
            "identity",
            json.dumps({"Version": "2012-10-17", "Statement": [{"Efect": "Allow"}]}),
            "Effect",
            id="a misspelt element is named with a suggestion",
        ),
        pytest.param("context", "[1, 2]", "JSON object", id="a context that is not an object is refused"),
        pytest.param(
            "context",
            "[" * 5000 + "]" * 5000,
            "nested too deeply to read: lists or objects about a thousand levels deep <em>(a context needs",
            id="JSON nested too deeply to read is shown inline",
        ),
        pytest.param(
            "context",
            '{"aws:username": ' + "[" * 400 + "]" * 400 + "}",
            "context values must be strings",
            id="a context value nested deep is refused",
        ),
        pytest.param("action", "xray:GetGrup", "GetGroup", id="an unknown action suggests the closest one"),
        pytest.param(
            "identity",
            "AWSXrayReadOnly",
            "AWSXrayReadOnlyAccess",
            id="an unknown managed policy name suggests the closest one",
        ),
    ],
)
def test_playground_never_dies_on_bad_input(control, text, message):
    pg = playground()
    good = pg.evaluation
    getattr(pg, control).value = text
    assert pg.evaluation is good
    assert message in pg.issues.value
    assert "last good result is kept" in pg.issues.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", [], id="an empty control holds no policy"),
        pytest.param(
            "AWSXrayReadOnlyAccess, AWSXrayFullAccess",
            ["AWSXrayReadOnlyAccess", "AWSXrayFullAccess"],
            id="managed policy names may be separated by commas",
        ),
        pytest.param(
            "AWSXrayReadOnlyAccess\nAWSXrayFullAccess",
            ["AWSXrayReadOnlyAccess", "AWSXrayFullAccess"],
            id="managed policy names may be on separate lines",
        ),
    ],
)
def test_parse_policies_reads_names(text, expected):
    assert parse_policies(text, "identity") == expected


def test_parse_policies_names_documents_after_their_control():
    [item] = parse_policies('{"Version": "2012-10-17", "Statement": []}', "boundary")
    assert item["name"] == "boundary"


# ------------------------------------------------------------------------------------------
# verdict matrix view


def test_matrix_view_default_rows_and_a_change_of_pattern():
    view = matrix_view()
    assert view.result.rows[:2] == ("AWSXrayReadOnlyAccess", "AWSXRayDaemonWriteAccess")
    assert "xray:PutEncryptionConfig" in view.result.allowed_actions("AWSXrayFullAccess")
    assert "xray:PutEncryptionConfig" not in view.result.allowed_actions("AWSXrayReadOnlyAccess")
    view.actions.value = "xray:Put*"
    assert {c.action for c in view.result.columns} >= {"xray:PutTraceSegments", "xray:PutEncryptionConfig"}
    assert all(c.action.startswith("xray:Put") for c in view.result.columns)


def test_matrix_view_selection_changes_the_rows_and_bad_pattern_keeps_them():
    view = matrix_view()
    view.policies.value = ("AWSXRayDaemonWriteAccess",)
    assert view.result.rows == ("AWSXRayDaemonWriteAccess",)
    view.actions.value = "nope:*"
    assert view.result.rows == ("AWSXRayDaemonWriteAccess",)
    assert view.error is not None


# ------------------------------------------------------------------------------------------
# quiz


def test_quiz_reveal_compares_the_prediction_with_the_simulator():
    q = quiz(["notaction-allow", "untag-then-delete"])
    assert "predict, then reveal" in q.status.value
    q.prediction.value = "ImplicitlyDenied"
    q.reveal.click()
    assert q.result.evaluation.decision.value == "Allowed"
    assert q.result.correct is False
    assert "not quite" in q.status.value and "Allowed" in q.status.value
    q.card.value = "untag-then-delete"
    assert q.prediction.value is None and q.result.evaluation is None
    q.prediction.value = "Allowed"
    q.reveal.click()
    assert q.result.correct is True
    assert q.score.right == ("untag-then-delete",)
    assert "1 of 2 revealed cards right" in q.status.value


def test_quiz_rejects_an_unknown_card():
    from xraykit.errors import XrayKitError

    with pytest.raises(XrayKitError, match="untag-then-delete"):
        quiz(["untag-then-delte"])


# ------------------------------------------------------------------------------------------
# the rule: only xraykit.widgets imports ipywidgets


def test_import_xraykit_and_figures_do_not_load_ipywidgets_or_matplotlib():
    code = (
        "import sys, xraykit, xraykit.figures, xraykit.exercises; "
        "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------------------------
# tags

from xraykit.widgets import credentials_editor, key_policy_toggler, lifecycle_stepper, tag_explorer  # noqa: E402
from xraykit.widgets.credentials import parse_env  # noqa: E402
from xraykit.widgets.tags import TAG_POLICIES, parse_tags  # noqa: E402

_DOCS, _FIXED, _ADMIN, _ALLOWLIST, _GUARDED = list(TAG_POLICIES)


def test_tag_explorer_default_is_the_docs_delete_of_a_prod_group():
    explorer = tag_explorer()
    assert explorer.result.decision.value == "ExplicitlyDenied"
    assert explorer.result.tag_keys_in_play()["resource tags"] == ("stage=prod",)
    assert "ExplicitlyDenied" in explorer.status.value


@pytest.mark.parametrize(
    ("policy", "operation", "on_group", "sent", "decision", "keys"),
    [
        pytest.param(
            _DOCS,
            "CreateGroup",
            "",
            "stage=prod",
            "ExplicitlyDenied",
            {"request tags": ("stage=prod",), "aws:TagKeys": ("stage",), "resource tags": ()},
            id="creating a group tagged stage=prod is denied by its request tag",
        ),
        pytest.param(
            _DOCS,
            "UntagResource",
            "stage=prod",
            "stage",
            "Allowed",
            {"request tags": (), "aws:TagKeys": ("stage",), "resource tags": ("stage=prod",)},
            id="the docs' policy lets anyone untag a prod group",
        ),
        pytest.param(
            _FIXED,
            "UntagResource",
            "stage=prod",
            "stage",
            "ExplicitlyDenied",
            {"request tags": (), "aws:TagKeys": ("stage",), "resource tags": ("stage=prod",)},
            id="the fixed policy denies untagging a prod group",
        ),
        pytest.param(
            _ADMIN,
            "TagResource",
            "",
            "role=admin",
            "ExplicitlyDenied",
            {"request tags": ("role=admin",), "aws:TagKeys": ("role",), "resource tags": ()},
            id="adding role=admin is denied by the docs' admin example",
        ),
        pytest.param(
            _ALLOWLIST,
            "TagResource",
            "",
            "owner=bob",
            "ImplicitlyDenied",
            {"request tags": ("owner=bob",), "aws:TagKeys": ("owner",), "resource tags": ()},
            id="a tag key outside the allowlist is not allowed",
        ),
    ],
)
def test_tag_explorer_builds_the_keys_aws_sends(policy, operation, on_group, sent, decision, keys):
    explorer = tag_explorer()
    explorer.policy.value = policy
    explorer.operation.value = operation
    explorer.resource_tags.value = on_group
    explorer.request_tags.value = sent
    assert explorer.error is None
    assert explorer.result.decision.value == decision
    assert explorer.result.tag_keys_in_play() == keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "stage=prod, team=web", {"stage": "prod", "team": "web"}, id="pairs separated by commas"
        ),
        pytest.param("stage", {"stage": ""}, id="a bare key names a key to remove"),
        pytest.param("", {}, id="nothing is no tags"),
    ],
)
def test_parse_tags(text, expected):
    assert parse_tags(text, "tags") == expected


def test_tag_explorer_bad_tags_keep_the_last_result():
    explorer = tag_explorer()
    good = explorer.result
    explorer.request_tags.value = "=prod"
    assert explorer.result is good and "has no tag key" in explorer.issues.value


def test_lifecycle_with_the_docs_policy_lets_untag_then_delete_through():
    stepper = lifecycle_stepper()
    decisions = [r.decision.value for r in stepper.result.records]
    assert decisions == ["Allowed", "Allowed", "ExplicitlyDenied", "Allowed", "Allowed"]
    assert stepper.result.timeline()[-1]["tags after"] is None  # the group is gone


def test_lifecycle_with_the_fixed_policy_keeps_the_group():
    stepper = lifecycle_stepper()
    stepper.policy.value = _FIXED
    decisions = [r.decision.value for r in stepper.result.records]
    assert decisions == ["Allowed", "Allowed", "ExplicitlyDenied", "ExplicitlyDenied", "ExplicitlyDenied"]
    assert stepper.result.timeline()[-1]["tags after"] == {"stage": "prod"}


def test_lifecycle_buttons_step_and_reset():
    stepper = lifecycle_stepper(steps=0)
    assert stepper.result.records == () and "press Next call" in stepper.status.value
    stepper.next.click()
    stepper.next.click()
    assert [r.operation for r in stepper.result.records] == ["CreateGroup", "TagResource"]
    stepper.reset.click()
    assert stepper.steps.value == 0 and stepper.result.records == ()


# ------------------------------------------------------------------------------------------
# KMS


def _who(table, flag):
    return {r.principal for r in table.rows if getattr(r, flag)}


def test_key_policy_toggler_default_is_the_console_key_policy():
    toggler = key_policy_toggler()
    assert _who(toggler.result, "configure_key") == {"admin"}
    assert _who(toggler.result, "read_traces") == {"admin", "dev"}
    assert _who(toggler.result, "change_setting") == {"admin", "ops"}


@pytest.mark.parametrize(
    ("changes", "configure", "read"),
    [
        pytest.param(
            {"ops_kms": True},
            {"admin", "ops"},
            {"admin", "dev", "ops"},
            id="with the root statement, KMS permissions in IAM count",
        ),
        pytest.param(
            {"ops_kms": True, "root": False},
            {"admin"},
            {"admin", "dev"},
            id="without the root statement, IAM permissions for the key count for nothing",
        ),
        pytest.param(
            {"users": ()},
            {"admin"},
            set(),
            id="with no key users only the key administrator can configure (kms:Create*) and nobody can read",
        ),
        pytest.param(
            {"setting": "AWS managed key aws/xray"},
            {"admin", "ops"},
            {"admin", "auditor", "dev", "ops"},
            id="with aws/xray, access follows the X-Ray permissions",
        ),
    ],
)
def test_key_policy_toggler_changes(changes, configure, read):
    toggler = key_policy_toggler()
    for name, value in changes.items():
        getattr(toggler, name).value = value
    assert toggler.error is None
    assert _who(toggler.result, "configure_key") == configure
    assert _who(toggler.result, "read_traces") == read


# ------------------------------------------------------------------------------------------
# credentials


def test_credentials_editor_default_is_the_guides_local_setup():
    editor = credentials_editor()
    assert editor.result.daemon.identity.arn == "arn:aws:iam::123456789012:user/xray-daemon-user"
    assert editor.result.verdict.allowed is True
    assert "aws_secret_access_key = wJal…EKEY" in editor.credentials_file.value  # shown masked


def test_credentials_editor_unknown_profile_means_no_credentials():
    editor = credentials_editor()
    editor.env.value = "AWS_PROFILE=dev"
    assert not editor.result.sdk.ok and not editor.result.daemon.ok
    assert editor.result.verdict.allowed is None


def test_credentials_editor_policy_decides_the_upload():
    editor = credentials_editor()
    editor.policy.value = "AWSXrayReadOnlyAccess"
    assert editor.result.verdict.allowed is False
    assert "xray:PutTraceSegments" in editor.result.verdict.missing
    assert "uploads denied" in editor.status.value


def test_credentials_editor_platform_role_wins_without_files():
    editor = credentials_editor("ec2-instance-profile")
    assert editor.result.daemon.identity.arn.startswith(
        "arn:aws:sts::123456789012:assumed-role/xray-daemon-role/"
    )
    editor.role.value = ""
    assert not editor.result.daemon.ok


def test_credentials_editor_example_switch_and_bad_env():
    editor = credentials_editor()
    editor.example.value = "laptop-env-keys"
    assert editor.result.sdk.winner.provider == "env"
    good = editor.result
    editor.env.value = "NOT A VARIABLE"
    assert editor.result is good and "NAME=value" in editor.issues.value


def test_parse_env_skips_comments():
    assert parse_env("# a comment\nAWS_PROFILE = dev\n\n") == {"AWS_PROFILE": "dev"}


def test_arn_dissector_rows_verdict_and_decision_agree_on_a_wildcard_in_the_type_prefix():
    # `gr*p/` names the resource type, where IAM does not expand wildcards: no row, no verdict and
    # no decision may say the pattern covers a group
    from xraykit.widgets.explore import dissect

    result = dissect(
        "xray:GetGroup", "arn:aws:xray:*:*:gr*p/prod/*", "arn:aws:xray:us-east-1:123456789012:group/prod/ABC"
    )
    assert result.segments[-1][3] is False
    assert result.matched is False
    assert result.evaluation.decision.value == "ImplicitlyDenied"

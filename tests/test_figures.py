"""The data behind each figure, and that each figure draws (headless, Agg) from that data."""

from __future__ import annotations

import io

import pytest

from xraykit import figures, simulate
from xraykit.credentials import Environment, Platform, resolve_sdk

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------
# decision flow


@pytest.mark.parametrize(
    ("kwargs", "decision", "highlighted", "state"),
    [
        pytest.param(
            dict(action="xray:GetServiceGraph", identity_policies=["AWSXrayReadOnlyAccess"]),
            "Allowed",
            ("identity",),
            "decided",
            id="a read-only user is allowed by the identity step",
        ),
        pytest.param(
            dict(action="xray:PutEncryptionConfig", identity_policies=["AWSXrayReadOnlyAccess"]),
            "ImplicitlyDenied",
            ("identity",),
            "blocked",
            id="without an allow the identity step blocks",
        ),
        pytest.param(
            dict(
                action="xray:PutTraceSegments",
                identity_policies=["AWSXrayFullAccess"],
                permission_boundaries=["AWSXrayReadOnlyAccess"],
            ),
            "ImplicitlyDenied",
            ("boundary",),
            "blocked",
            id="a boundary without the action blocks",
        ),
        pytest.param(
            dict(
                action="xray:PutEncryptionConfig",
                identity_policies=[
                    "AWSXrayFullAccess",
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Deny", "Action": "xray:PutEncryptionConfig", "Resource": "*"}
                        ],
                    },
                ],
            ),
            "ExplicitlyDenied",
            ("deny",),
            "decided",
            id="an explicit deny decides at the first step",
        ),
        pytest.param(
            dict(
                action="xray:GetGroups",
                identity_policies=["AWSXrayReadOnlyAccess"],
                scps=[
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                    }
                ],
            ),
            "ImplicitlyDenied",
            ("scp",),
            "blocked",
            id="an SCP that allows nothing of X-Ray blocks",
        ),
    ],
)
def test_decision_flow_highlights_the_step_that_decided(kwargs, decision, highlighted, state):
    evaluation = simulate(**kwargs)
    data = figures.decision_flow_data(evaluation)
    assert data.decision == decision
    assert data.highlighted == highlighted
    assert data.step(highlighted[0]).state == state


def test_decision_flow_marks_layers_that_took_no_part_as_absent():
    data = figures.decision_flow_data(simulate("xray:GetGroups", identity_policies=["AWSXrayReadOnlyAccess"]))
    assert {s.key for s in data.steps if s.state == "absent"} == {
        "scp",
        "rcp",
        "resource",
        "boundary",
        "session",
    }


def test_plain_decision_flow_has_every_step_open():
    data = figures.decision_flow_data()
    assert [s.key for s in data.steps] == [
        "deny",
        "scp",
        "rcp",
        "resource",
        "identity",
        "boundary",
        "session",
    ]
    assert {s.state for s in data.steps} == {"open"} and data.decision is None
    assert str(data).endswith("=> the answer depends on the policies")


def test_flow_figure_draws_its_data_and_is_deterministic():
    evaluation = simulate("xray:GetGroups", identity_policies=["AWSXrayReadOnlyAccess"])
    first, data = figures.decision_flow(evaluation)
    second, _ = figures.decision_flow(evaluation)
    assert data == figures.decision_flow_data(evaluation)
    assert _png(first) == _png(second)


# ------------------------------------------------------------------------------------------
# verdict matrix


def test_verdict_matrix_of_the_managed_policies():
    data = figures.verdict_matrix_data()
    assert data.rows == figures.XRAY_MANAGED
    assert set(data.allowed_actions("AWSXRayDaemonWriteAccess")) == {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    }
    assert "xray:PutEncryptionConfig" not in data.allowed_actions("AWSXrayReadOnlyAccess")
    assert data.allowed_actions("AWSXrayCrossAccountSharingConfiguration") == ("xray:Link",)
    fig, drawn = figures.verdict_matrix()
    assert drawn.heatmap_data() == data.heatmap_data()
    assert len(fig.axes[0].get_yticklabels()) == len(figures.XRAY_MANAGED)


def test_verdict_matrix_takes_custom_policies_and_a_pattern():
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "xray:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "xray:PutEncryptionConfig", "Resource": "*"},
        ],
    }
    data = figures.verdict_matrix_data({"all but config": deny}, "xray:Put*")
    assert data.decision("all but config", "xray:PutEncryptionConfig").value == "ExplicitlyDenied"
    assert data.decision("all but config", "xray:PutTraceSegments").value == "Allowed"


# ------------------------------------------------------------------------------------------
# provider chain


def test_provider_chain_highlights_the_winning_source():
    env = Environment(
        name="keys in the default profile",
        platform=Platform.laptop(),
        credentials_file="[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        access_keys={"AKIAIOSFODNN7EXAMPLE": "arn:aws:iam::123456789012:user/alice"},
    )
    resolution = resolve_sdk(env)
    data = figures.provider_chain_data(resolution)
    assert data.winner == "shared credentials file"
    outcomes = [link.outcome for link in data.links]
    assert outcomes.index("won") > outcomes.index("skipped")
    assert set(outcomes[outcomes.index("won") + 1 :]) <= {"not reached"}
    assert data.identity == "arn:aws:iam::123456789012:user/alice"
    assert "wJalr" not in str(data)
    fig, drawn = figures.provider_chain(resolution)
    assert drawn == data and _png(fig).startswith(b"\x89PNG")


# ------------------------------------------------------------------------------------------
# tag timeline

ROWS = [
    {
        "step": 1,
        "operation": "CreateGroup",
        "decision": "Allowed",
        "request tags": {"stage": "prod"},
        "aws:TagKeys": ["stage"],
        "resource tags": {},
        "tags after": {"stage": "prod"},
    },
    {
        "step": 2,
        "operation": "DeleteGroup",
        "decision": "ExplicitlyDenied",
        "request tags": {},
        "aws:TagKeys": [],
        "resource tags": {"stage": "prod"},
        "tags after": {"stage": "prod"},
    },
    {
        "step": 3,
        "operation": "UntagResource",
        "decision": "Allowed",
        "request tags": {},
        "aws:TagKeys": ["stage"],
        "resource tags": {"stage": "prod"},
        "tags after": {},
    },
    {
        "step": 4,
        "operation": "DeleteGroup",
        "decision": "Allowed",
        "request tags": {},
        "aws:TagKeys": [],
        "resource tags": {},
        "tags after": None,
    },
]


def test_tag_timeline_from_rows():
    data = figures.tag_timeline_data(ROWS)
    assert [s.decision for s in data.steps] == ["Allowed", "ExplicitlyDenied", "Allowed", "Allowed"]
    assert data.steps[0].request_tags == ("stage=prod",)
    assert data.steps[2].tags_after == () and data.steps[3].tags_after is None
    assert "3. UntagResource -> Allowed" in str(data)
    fig, drawn = figures.tag_timeline(ROWS)
    assert drawn == data and _png(fig).startswith(b"\x89PNG")


def test_tag_timeline_reads_anything_with_a_timeline_method():
    class Log:
        def timeline(self):
            return ROWS

    assert figures.tag_timeline_data(Log()) == figures.tag_timeline_data(ROWS)

"""Local versus AWS: which credentials the SDK and the X-Ray daemon would use, and why.

Describe a situation as a virtual :class:`Environment` (variables, the text of ``~/.aws/credentials``
and ``~/.aws/config``, and the :class:`Platform`: a laptop, EC2, ECS, Elastic Beanstalk, Lambda),
then ask :func:`resolve_sdk` (botocore's chain) or :func:`resolve_daemon` (the daemon's SDK for Go
chain and its ``-r``/``-o``/``-n`` options). A :class:`Resolution` names the winning source, every
source tried and why it was skipped, the profile and region and where they came from, the identity
(an IAM user, or the role session ``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``) and the keys,
masked. :func:`daemon_verdict` then asks whether that identity may do what the daemon does.

Nothing here reads the real ``~/.aws``, the real environment or the network. The credentials
notebook ("local versus AWS") teaches with these functions; ``xraykit credentials`` is the command
line.
"""

from __future__ import annotations

from xraykit.credentials.daemon import DaemonOptions, resolve_daemon
from xraykit.credentials.loader import environment_from_dict, example, examples, load_environment
from xraykit.credentials.model import Environment, IssuedKeys, Platform, PlatformKind, issued_keys
from xraykit.credentials.resolution import Attempt, Identity, IdentityKind, Outcome, Resolution, Step
from xraykit.credentials.sdk import resolve_sdk
from xraykit.credentials.secrets import mask
from xraykit.credentials.verdict import ActionCheck, DaemonVerdict, daemon_actions, daemon_verdict

__all__ = [
    "ActionCheck",
    "Attempt",
    "DaemonOptions",
    "DaemonVerdict",
    "Environment",
    "Identity",
    "IdentityKind",
    "IssuedKeys",
    "Outcome",
    "Platform",
    "PlatformKind",
    "Resolution",
    "Step",
    "daemon_actions",
    "daemon_verdict",
    "environment_from_dict",
    "example",
    "examples",
    "issued_keys",
    "load_environment",
    "mask",
    "resolve_daemon",
    "resolve_sdk",
]

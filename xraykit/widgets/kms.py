"""The key-policy toggler: switch X-Ray's encryption and the key policy's statements, see who can do what.

Four people in one account: ``admin`` and ``ops`` have ``AWSXrayFullAccess``, ``dev`` and ``auditor``
``AWSXrayReadOnlyAccess``; ``ops`` can also be given KMS permissions in IAM. The table is
:func:`xraykit.kms.encryption_access` (each answer the outcome of an operation bundle). Taught in
``notebooks/06_kms_encryption.ipynb``.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from xraykit.account import Account
from xraykit.account.encryption import EncryptionAccess
from xraykit.kms import encryption_access
from xraykit.widgets._base import Tool, code

__all__ = ["PEOPLE", "SETTINGS", "KeyPolicyToggler", "build_account", "key_policy_toggler"]

#: name -> the managed policies attached to that IAM user
PEOPLE: dict[str, tuple[str, ...]] = {
    "admin": ("AWSXrayFullAccess",),
    "ops": ("AWSXrayFullAccess",),
    "dev": ("AWSXrayReadOnlyAccess",),
    "auditor": ("AWSXrayReadOnlyAccess",),
}
SETTINGS = ("default encryption", "AWS managed key aws/xray", "customer managed key")
_KEY = "xray-traces"
#: what `ops` gets with "KMS permissions in IAM": the key actions X-Ray uses, through X-Ray only
KMS_IAM_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "UseTheTraceKeyThroughXRay",
            "Effect": "Allow",
            "Action": ["kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "xray.us-east-1.amazonaws.com"}},
        }
    ],
}


def build_account(
    setting: str, root: bool, administrators: tuple[str, ...], users: tuple[str, ...], ops_kms: bool
) -> Account:
    """The account of the toggler: four people, the key, and the encryption setting.

    Args:
        setting: one of :data:`SETTINGS`.
        root: whether the key policy delegates to the account (the root statement).
        administrators: people named as key administrators.
        users: people named as key users.
        ops_kms: whether ``ops`` has :data:`KMS_IAM_POLICY` in IAM.

    Returns:
        The account.
    """
    account = Account(seed="kms")
    for name, policies in PEOPLE.items():
        extra = [{"name": "kms-through-xray", "policy": KMS_IAM_POLICY}] if name == "ops" and ops_kms else []
        account.add_user(name, [*policies, *extra])
    if setting == SETTINGS[2]:
        account.add_key(_KEY, root=root, administrators=administrators, users=users)
        account.set_encryption("KMS", f"alias/{_KEY}")
    elif setting == SETTINGS[1]:
        account.set_encryption("KMS", "alias/aws/xray")
    return account


class KeyPolicyToggler(Tool):
    """Encryption setting and key-policy statements in; who can change, configure and read out.

    Attributes:
        setting: default encryption, the AWS managed key, or a customer managed key.
        root: the key policy's statement delegating to the account (IAM policies then count).
        administrators: who the key policy names as key administrators.
        users: who it names as key users (they can use the key, and let X-Ray create grants).
        ops_kms: give ``ops`` KMS permissions in IAM (only counts if the key policy delegates).
        result: the last :class:`~xraykit.account.encryption.EncryptionAccess` table.
    """

    def __init__(
        self, setting: str, root: bool, administrators: tuple[str, ...], users: tuple[str, ...], ops_kms: bool
    ) -> None:
        names = list(PEOPLE)
        self.setting = w.Dropdown(
            options=list(SETTINGS), value=setting, description="Encryption", layout=w.Layout(width="30em")
        )
        self.root = w.Checkbox(
            value=root, description="key policy delegates to the account (root statement)", indent=False
        )
        self.administrators = w.SelectMultiple(
            options=names, value=administrators, rows=4, description="Key admins"
        )
        self.users = w.SelectMultiple(options=names, value=users, rows=4, description="Key users")
        self.ops_kms = w.Checkbox(value=ops_kms, description="ops has KMS permissions in IAM", indent=False)
        key = w.VBox([self.root, w.HBox([self.administrators, self.users]), self.ops_kms])
        super().__init__([self.setting, key])

    def compute(self) -> EncryptionAccess:
        account = build_account(
            self.setting.value,
            self.root.value,
            tuple(self.administrators.value),
            tuple(self.users.value),
            self.ops_kms.value,
        )
        access: EncryptionAccess = encryption_access(account)
        return access

    def show(self, result: EncryptionAccess) -> None:
        def who(flag: str) -> str:
            names = [r.principal for r in result.rows if getattr(r, flag)]
            return ", ".join(names) or "nobody"

        self.status.value = code(
            f"configure: {who('configure_key')}; read encrypted traces: {who('read_traces')}"
        )
        self.view.value = result._repr_html_()


def key_policy_toggler(
    setting: str = SETTINGS[2],
    root: bool = True,
    administrators: tuple[str, ...] = ("admin",),
    users: tuple[str, ...] = ("admin", "dev"),
    ops_kms: bool = False,
) -> Any:
    """The toggler, starting on the documented case: a customer managed key with the console's default
    policy (root, key administrators, key users): key users need no KMS permission in IAM.

    Returns:
        The widget (not displayed); ``.result`` is the current access table.
    """
    return KeyPolicyToggler(setting, root, tuple(administrators), tuple(users), ops_kms)

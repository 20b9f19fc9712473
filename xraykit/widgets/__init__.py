"""Widgets for the notebooks: the only part of xraykit that imports ipywidgets (nothing imports it).

Every builder returns a widget without displaying it; the widget keeps its last result as an
attribute (``.result``; the playground also as ``.evaluation``), so plain pytest can set a
control's ``.value`` and check the result, no browser needed. Bad input never breaks a widget:
its issues are shown inline and the last good result stays.

==========================  ===============================================  =====================
builder                     what it shows                                    notebook
==========================  ===============================================  =====================
:func:`pattern_explorer`    the actions an action pattern grants             01 actions
:func:`arn_dissector`       which ARN segment a Resource pattern matched     02 resources
:func:`tag_explorer`        one call's tag keys and its decision             03 tags, 04 conditions
:func:`lifecycle_stepper`   create → tag → untag → delete, step by step      03 tags
:func:`matrix_view`         policies × actions, coloured by decision         05 managed policies
:func:`key_policy_toggler`  who can configure and read with a KMS key        06 KMS encryption
:func:`credentials_editor`  which identity the SDK and the daemon resolve     07 credentials
:func:`playground`          any policy set and request, with the trace       00 index, 08 playground
:func:`quiz`                predict-then-reveal cards                        09 gotchas quiz
==========================  ===============================================  =====================
"""

from __future__ import annotations

from xraykit.widgets.credentials import credentials_editor
from xraykit.widgets.explore import arn_dissector, pattern_explorer
from xraykit.widgets.kms import key_policy_toggler
from xraykit.widgets.matrix import matrix_view
from xraykit.widgets.playground import playground
from xraykit.widgets.quiz import quiz
from xraykit.widgets.tags import lifecycle_stepper, tag_explorer

__all__ = [
    "arn_dissector",
    "credentials_editor",
    "key_policy_toggler",
    "lifecycle_stepper",
    "matrix_view",
    "pattern_explorer",
    "playground",
    "quiz",
    "tag_explorer",
]

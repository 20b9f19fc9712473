"""Least privilege: the smallest policy for a task, proved by evaluation; fixes; exercise checks.

- :func:`least_privilege` writes the smallest identity-based policy that allows exactly a task
  (an operation bundle such as the daemon's, actions and resources, or recorded requests): actions
  grouped by the resources they need, scoped to ARNs where the action allows it (a group as
  ``group/NAME/*``, since its ID is generated) and to ``*`` where it does not, with the task's tag
  and ``kms:ViaService`` values as conditions. It returns the policy with a :class:`Proof`: every
  request of the task allowed, and every other request of the X-Ray domain denied (plus a seeded
  sample of the other actions of any other service the task uses).
- :func:`propose_edit` makes a policy fit a wanted verdict table with the smallest edit.
- :func:`check_policy_for_task` is what the notebooks' exercises call: what is right, what is
  missing and what is too broad.

Taught in ``notebooks/05_managed_policies.ipynb`` and used by every notebook's exercises.
"""

from xraykit.least_privilege.core import (
    LeastPrivilege,
    Proof,
    ProofRow,
    key_policy_for,
    least_privilege,
    prove,
    scope_of,
    statements_for,
)
from xraykit.least_privilege.exercises import TaskCheck, check_policy_for_task
from xraykit.least_privilege.fixes import Fix, VerdictRow, propose_edit
from xraykit.least_privilege.task import EXAMPLE_KEY_ARN, Task, TaskRequest, task

__all__ = [
    "EXAMPLE_KEY_ARN",
    "Fix",
    "LeastPrivilege",
    "Proof",
    "ProofRow",
    "Task",
    "TaskCheck",
    "TaskRequest",
    "VerdictRow",
    "check_policy_for_task",
    "key_policy_for",
    "least_privilege",
    "propose_edit",
    "prove",
    "scope_of",
    "statements_for",
    "task",
]

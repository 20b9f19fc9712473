"""Write the workshop notebooks (unexecuted) from the cells below, kept here in plain text so they can be reviewed.

    python scripts/make_notebooks.py            # write notebooks/*.ipynb (sources only)
    python scripts/execute_notebooks.py         # write them and run each top to bottom (what `make notebooks` does)

Every notebook has the same anatomy: a title and a one-line promise; where it comes from (the doc
page and section, and what has changed since the seed page of 2020-09-21); predict, then run;
one widget per idea, starting on the documented case; a figure where looking beats reading; the
trap shown failing, then fixed; a Summary; Exercises checked by :mod:`xraykit.exercises`.

Cells tagged ``nbval-ignore-output`` hold widgets (their text form is a long repr, and the view is
checked in the browser test); decisions next to them are printed as text in their own cells.
Cell IDs are fixed so regenerating a notebook changes nothing that did not change.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET = "nbval-ignore-output"  # the cell shows a widget: its output is not compared by nbval
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

XRAY_IAM = "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html"
XRAY_EXAMPLES = "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_id-based-policy-examples.html"
IAM_LOGIC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
IAM_MULTI = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"
XRAY_ACTIONS = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html"


def md(text: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(dedent(text).strip())


def code(text: str, *tags: str) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(dedent(text).strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def widget(text: str) -> NotebookNode:
    return code(text, WIDGET)


# ------------------------------------------------------------------------------------------
# 00 index


def index() -> list[NotebookNode]:
    return [
        md("""
        # xraykit: how AWS X-Ray works with IAM

        **After this series you can look at any X-Ray request and say whether IAM allows it, which
        policy decided, and what to change, then check your answer against a simulator that shows its
        reasoning.**

        This notebook is the start page: how to use the notebooks, a map of the series, and the one
        picture everything else refers to: how IAM reaches a decision.
        """),
        md("""
        ## How to use these notebooks

        - Run everything with **Run ▸ Run All Cells**, then read from the top. Each section asks a
          question first: make your prediction *before* you look at the answer below it.
        - Widgets recompute when you change a control. A text box applies its value when you press
          Enter or click elsewhere. Input the kit cannot use is shown in red, and the last good result
          stays on screen, so experiment freely.
        - Decisions are also printed as plain text next to each widget; those lines are what the tests
          of this kit compare.
        - Nothing here talks to AWS. The account is always `123456789012`, the keys are the AWS
          documentation's example keys, and group IDs are generated from a seed, so every run prints
          the same ARNs.
        """),
        md("""
        ## The series

        | notebook | what you will be able to do |
        | --- | --- |
        | [01 Actions and wildcards](01_actions_and_wildcards.ipynb) | say exactly which actions an `Action` element grants, `xray:Get*` and `NotAction` included |
        | [02 Resources and ARNs](02_resources_and_arns.ipynb) | scope a policy to groups and sampling rules, and know when only `*` works |
        | [03 Tags](03_tags.ipynb) | control groups and rules by tag, and close the untag-then-delete gap |
        | [04 Conditions on tag keys](04_conditions.ipynb) | predict `ForAllValues` / `ForAnyValue` with no tags, and guard them with `Null` |
        | [05 Managed policies](05_managed_policies.ipynb) | pick the managed policy for a console user, a daemon, an admin, and see what changed between versions |
        | [06 KMS encryption](06_kms_encryption.ipynb) | decide who can switch X-Ray to a customer managed key and who can read encrypted traces |
        | [07 Credentials, local vs AWS](07_credentials.ipynb) | say which identity the SDK and the X-Ray daemon will use, and whether it may upload |
        | [08 Playground](08_playground.ipynb) | evaluate any policy set against any request and read the full trace |
        | [09 Gotchas quiz](09_gotchas_quiz.ipynb) | test yourself on the traps of the whole series |
        """),
        code("""
        from xraykit import catalog, figures, simulate
        from xraykit.exercises import check_policy
        from xraykit.widgets import playground
        """),
        md(f"""
        ## Where this comes from

        The series teaches the AWS X-Ray Developer Guide page
        [How AWS X-Ray works with IAM]({XRAY_IAM}) as it stood on 2020-09-21 (the *seed* page), checked
        against today's IAM reference, and the IAM User Guide section
        [Policy evaluation logic]({IAM_LOGIC}). Where the seed is out of date, the notebooks say so.
        The kit keeps both sides as data:
        """),
        code("""
        facts = catalog.seed_facts()
        print(f"X-Ray actions: {len(facts.actions_at_seed)} at the seed date, {len(facts.actions)} today")
        print(f"actions with resource-level permissions: {len(facts.seed_resource_level_actions)} on the seed page, "
              f"{len(facts.resource_level_actions)} today")
        for seed, today, why in facts.corrections:
            print(f"the seed says {seed}; today: {today} ({why})")
        """),
        md("""
        ## Predict, then run

        alice has the managed policy `AWSXrayReadOnlyAccess` attached, and nothing else. She tries to
        change X-Ray's encryption setting (`xray:PutEncryptionConfig`). **Allowed or denied? And if
        denied, is that an *explicit* deny?** Decide, then run the next cell.
        """),
        code("""
        evaluation = simulate("xray:PutEncryptionConfig", identity_policies=["AWSXrayReadOnlyAccess"])
        evaluation
        """),
        md("""
        `ImplicitlyDenied`: nothing denies the request, but nothing allows it either, and in IAM
        "not allowed" is the default. The trace under the decision shows every statement that was
        checked and why it did not apply. The same result as plain text:
        """),
        code("print(evaluation)"),
        md("""
        ## Look: how IAM decides

        IAM asks a fixed series of questions. An explicit deny anywhere ends it; then every kind of
        policy that takes part must let the request through, and at least one must allow it. The
        figure follows alice's request: the identity-based policy is where it stopped (no statement
        allows `PutEncryptionConfig`); the grey steps had no policy of that kind.
        """),
        code("fig, flow = figures.decision_flow(evaluation)"),
        code("print(flow)"),
        md("""
        ## Touch it

        The playground takes policies and a request and shows the decision and its trace. It starts
        on the documented case: a console user with `AWSXrayReadOnlyAccess` reading the service map.
        Change **Action** to `xray:PutEncryptionConfig` (press Enter) and watch the decision change;
        pick another case under **Start from**.
        """),
        widget("playground()"),
        md("""
        ## The trap: an allow that loses

        A common surprise: a policy that allows everything does not help when another policy denies.
        Here alice has `AWSXrayFullAccess` *and* a policy that denies changing the encryption setting.
        """),
        code("""
        deny_encryption = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "xray:PutEncryptionConfig", "Resource": "*"}],
        }
        print(simulate("xray:PutEncryptionConfig", identity_policies=["AWSXrayFullAccess", deny_encryption]))
        """),
        md("""
        The explicit deny wins: no allow, in any policy, can override it. To let alice change the
        setting, the fix is to remove the deny (or narrow it), not to add another allow.
        """),
        md("""
        ## Summary

        - IAM denies by default: without an allow, a request is `ImplicitlyDenied`.
        - An explicit `Deny` in any policy wins over every `Allow`.
        - Every decision in this kit comes with a trace: the policy, the statement and the element that decided.
        - The seed page of 2020-09-21 is out of date in places; the notebooks say where.
        """),
        md("""
        ## Exercises

        1. Write a policy that lets alice read the group `prod` with `xray:GetGroup`, whatever ID X-Ray
           gave it, and nothing else. The first attempt below is close but not right: run the check,
           read what it says, fix the policy and check again. (Stuck? `print(exercises.solution("read-prod-group"))`
           after `from xraykit import exercises`.)
        """),
        code("""
        my_policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "xray:GetGroup",
                           "Resource": "arn:aws:xray:us-east-1:123456789012:group/prod"}],
        }
        check_policy("read-prod-group", my_policy)
        """),
        md("""
        2. Predict the decision for alice calling `xray:GetServiceGraph` with `AWSXRayDaemonWriteAccess`
           only, then check it in the playground above. Which step of the flow stops it?
        """),
    ]


# ------------------------------------------------------------------------------------------
# 01 actions and wildcards


def actions() -> list[NotebookNode]:
    return [
        md("""
        # Actions and wildcards

        **After this notebook you can read any `Action` element and list exactly which X-Ray actions it
        grants, including what a wildcard like `xray:Get*` really covers and what `NotAction` gives away.**
        """),
        md(f"""
        ## Where this comes from

        X-Ray Developer Guide, [How AWS X-Ray works with IAM]({XRAY_IAM}), section *Actions*; the list
        of actions is the Service Authorization Reference, [Actions defined by AWS X-Ray]({XRAY_ACTIONS}).
        The seed page shows `"Action": "xray:Get*"` as the way to grant "all actions that begin with
        Get". What has changed since: X-Ray has gained actions, so the same pattern grants more today.
        """),
        code("""
        from xraykit import catalog, figures, simulate
        from xraykit.exercises import check_actions, check_policy
        from xraykit.widgets import pattern_explorer
        from xraykit.widgets.explore import pattern_report
        """),
        code("""
        facts = catalog.seed_facts()
        print(len(facts.actions), "X-Ray actions today;", len(facts.newer_than_seed), "are newer than the seed page:")
        print(", ".join(a.split(":")[1] for a in facts.newer_than_seed))
        """),
        md("""
        ## Predict, then run

        A team lead wants a "read-only" policy and writes `"Action": "xray:Get*"`. A console user with
        that policy opens a trace, which makes the console call `xray:BatchGetTraces`.
        **Does the trace open?**
        """),
        code("""
        get_star = {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "xray:Get*", "Resource": "*"}]}
        print(simulate("xray:BatchGetTraces", identity_policies=[get_star]))
        """),
        md("""
        No: the pattern matches action *names*, and `BatchGetTraces` does not start with `Get`. A
        wildcard knows nothing about access levels. It also works the other way: every new action whose
        name starts with `Get` is granted the day AWS adds it.
        """),
        md("""
        ## Touch it: the pattern explorer

        Type a pattern (press Enter) to see every action it grants, with its access level. It starts on
        the seed page's `xray:Get*`. Try `xray:Put*`, `xray:*Group*`, `xray:List*`, and `XRAY:getgroup`.
        """),
        widget("pattern_explorer()"),
        code('print(pattern_report("xray:Get*"))'),
        md("""
        Things to notice:

        - `*` matches any run of characters and `?` exactly one; nothing else is special.
        - The service prefix and action name are compared **case-insensitively**: `XRAY:getgroup` is `xray:GetGroup`.
        - `xray:Put*` is not "the upload actions": it includes `PutEncryptionConfig` and `PutResourcePolicy`.
        """),
        md("""
        ## Several actions in one statement

        The seed page lists actions as a JSON array. Each entry may be a name or a pattern; the
        statement applies if any one matches. The heatmap compares a few `Action` elements against
        every X-Ray action: green cells are granted.
        """),
        code("""
        def allow(*patterns):
            return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(patterns), "Resource": "*"}]}

        candidates = {
            "xray:Get*": allow("xray:Get*"),
            "xray:Get* + xray:BatchGet* + xray:List*": allow("xray:Get*", "xray:BatchGet*", "xray:List*"),
            "xray:Put*": allow("xray:Put*"),
            "daemon's five actions": "AWSXRayDaemonWriteAccess",
        }
        """),
        code("fig, matrix = figures.verdict_matrix(candidates)"),
        code("""
        for row in matrix.rows:
            print(f"{row}: {len(matrix.allowed_actions(row))} actions")
        """),
        md("""
        ## The trap: `Allow` with `NotAction`

        `NotAction` reads like "everything in this list is excluded". With `Allow` it means "allow
        **every action of every AWS service** except these". Someone wants "all of X-Ray except
        changing encryption" and writes:
        """),
        code("""
        not_action = {"Version": "2012-10-17",
                      "Statement": [{"Effect": "Allow", "NotAction": "xray:PutEncryptionConfig", "Resource": "*"}]}
        print(simulate("iam:CreateUser", "arn:aws:iam::123456789012:user/mallory", identity_policies=[not_action]))
        """),
        md("""
        The user can now create IAM users, which is far beyond X-Ray. The fix says what is allowed
        and denies the exception explicitly:
        """),
        code("""
        fixed = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "xray:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "xray:PutEncryptionConfig", "Resource": "*"},
        ]}
        for action, resource in [("iam:CreateUser", "arn:aws:iam::123456789012:user/mallory"),
                                 ("xray:PutEncryptionConfig", "*"), ("xray:GetServiceGraph", "*")]:
            print(action, "->", simulate(action, resource, identity_policies=[fixed]).decision)
        """),
        md("""
        ## Summary

        - Action names are `service:Name`, compared case-insensitively; `*` and `?` are the only wildcards.
        - A wildcard matches names, not access levels: `xray:Get*` misses `BatchGetTraces` and the `List` actions, and grows as AWS adds actions.
        - A statement's `Action` list applies if any entry matches.
        - `Allow` with `NotAction` grants every other action of every service; prefer an explicit list plus a `Deny`.
        """),
        md("""
        ## Exercises

        1. List the actions the X-Ray daemon needs: exactly those, no more. The attempt below uses
           wildcards; check it, then fix it. (Solution: `exercises.solution("daemon-actions")`.)
        """),
        code('check_actions("daemon-actions", ["xray:Put*", "xray:GetSampling*"])'),
        md("""
        2. Rewrite the `NotAction` policy above so it allows every X-Ray action except
           `PutEncryptionConfig`, and nothing outside X-Ray. Put your policy in place of `not_action`.
        """),
        code('check_policy("notaction-fix", not_action)'),
    ]


# ------------------------------------------------------------------------------------------
# 02 resources and ARNs


def resources() -> list[NotebookNode]:
    return [
        md("""
        # Resources and ARNs

        **After this notebook you can scope a policy to particular X-Ray groups and sampling rules,
        write a group ARN that works before the group exists, and spot the actions where only `*` works.**
        """),
        md(f"""
        ## Where this comes from

        X-Ray Developer Guide, [How AWS X-Ray works with IAM]({XRAY_IAM}), section *Resources*, and the
        *Resources* table of [Actions defined by AWS X-Ray]({XRAY_ACTIONS}). The seed page lists seven
        actions with resource-level permissions. Today there are ten: the tagging actions accept a group
        or a sampling rule too.
        """),
        code("""
        from xraykit import arn, catalog, simulate
        from xraykit.exercises import check_policy
        from xraykit.widgets import arn_dissector
        from xraykit.widgets.explore import dissect
        """),
        code("""
        facts = catalog.seed_facts()
        print("on the seed page:", ", ".join(a.split(":")[1] for a in facts.seed_resource_level_actions))
        print("added since:     ", ", ".join(a.split(":")[1] for a in facts.resource_level_added))
        """),
        md("""
        X-Ray has two resource types. A **group** ARN ends with the group's name *and* an ID that X-Ray
        generates when the group is created; a **sampling rule** ARN ends with the rule's name only.
        (The kit generates IDs from the name, so the same group gets the same ID on every run.)
        """),
        code("""
        print(arn.group_arn("local-users", region="eu-west-1"))
        print(arn.sampling_rule_arn("base-scorekeep", region="eu-west-1"))
        """),
        md("""
        ## Predict, then run

        The seed page's example allows `xray:CreateGroup` on
        `arn:aws:xray:eu-west-1:123456789012:group/local-users/*`. The ID is not known before the group
        exists, hence the `*`. **Can the user create the group `local-users` in eu-west-1? In us-east-1?**
        """),
        code("""
        create_local = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "xray:CreateGroup",
            "Resource": "arn:aws:xray:eu-west-1:123456789012:group/local-users/*"}]}
        for region in ("eu-west-1", "us-east-1"):
            group = arn.group_arn("local-users", region=region)
            print(region, "->", simulate("xray:CreateGroup", group, identity_policies=[create_local]).decision)
        """),
        md("""
        ## Touch it: the ARN dissector

        The dissector compares the policy's `Resource` with the request's ARN segment by segment, and
        shows the decision for a policy that allows the chosen action on that pattern. It starts on the
        seed page's example. Try: the region `us-east-1` in the request ARN; the pattern without `/*`;
        the action `xray:GetServiceGraph`.
        """),
        widget("arn_dissector()"),
        code("""
        print(dissect("xray:CreateGroup", "arn:aws:xray:eu-west-1:123456789012:group/local-users",
                      arn.group_arn("local-users", region="eu-west-1")))
        """),
        md("""
        Matching is per segment: a `*` in the region cannot swallow the account. The resource part is
        **case-sensitive** (`group/Local-Users/*` does not match `local-users`), unlike action names.
        """),
        md("""
        ## The trap: an ARN for an action that takes none

        Most X-Ray actions have no resource-level permissions: IAM authorizes them against `*`. A
        policy that names an ARN for such an action looks tidy and grants nothing.
        """),
        code("""
        print([a.name for a in catalog.actions("xray", resource_type="group")])
        print("GetServiceGraph takes a resource:", catalog.action("xray:GetServiceGraph").resource_level)
        """),
        code("""
        scoped = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["xray:GetGroup", "xray:GetServiceGraph"],
            "Resource": "arn:aws:xray:us-east-1:123456789012:group/prod/*"}]}
        print(simulate("xray:GetServiceGraph", identity_policies=[scoped]))
        """),
        md("""
        The trace says why: `GetServiceGraph` is only granted by `*`. The fix splits the statement:
        ARNs for the actions that take them, `*` for the rest.
        """),
        code("""
        split = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "xray:GetGroup", "Resource": "arn:aws:xray:us-east-1:123456789012:group/prod/*"},
            {"Effect": "Allow", "Action": "xray:GetServiceGraph", "Resource": "*"},
        ]}
        print(simulate("xray:GetServiceGraph", identity_policies=[split]).decision)
        print(simulate("xray:GetGroup", arn.group_arn("prod"), identity_policies=[split]).decision)
        print(simulate("xray:GetGroup", arn.group_arn("dev"), identity_policies=[split]).decision)
        """),
        md("""
        ## Summary

        - Ten X-Ray actions take a group or sampling-rule ARN (the seed page lists seven); every other action needs `*`.
        - A group ARN ends in a generated ID: write `group/NAME/*` to mean "the group NAME, whatever its ID".
        - A sampling rule ARN is `sampling-rule/NAME`, with no ID.
        - ARNs match segment by segment, and the resource part is case-sensitive.
        """),
        md("""
        ## Exercises

        1. Let a user create, read, update and delete only the groups named `local-users` in eu-west-1,
           and list all groups. Check the attempt below, then fix it.
           (Solution: `exercises.solution("local-users-groups")`.)
        """),
        code("""
        my_policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["xray:*Group", "xray:GetGroups"],
            "Resource": "arn:aws:xray:eu-west-1:123456789012:group/local-users/*"}]}
        check_policy("local-users-groups", my_policy)
        """),
    ]


NotebookBuilder = Callable[[], list[NotebookNode]]
SERIES: dict[str, NotebookBuilder] = {
    "00_index": index,
    "01_actions_and_wildcards": actions,
    "02_resources_and_arns": resources,
}


def build(name: str) -> NotebookNode:
    """The notebook ``name`` with its cells and fixed cell IDs (unexecuted)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNEL)
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = SERIES[name]()
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name.split('_')[0]}-{i:02d}"
    nbformat.validate(nb)
    return nb


def write(names: list[str] | None = None) -> list[Path]:
    """Write the notebooks (all, or ``names``) to notebooks/ and return their paths."""
    NOTEBOOKS.mkdir(exist_ok=True)
    paths = []
    for name in names or list(SERIES):
        path = NOTEBOOKS / f"{name}.ipynb"
        nbformat.write(build(name), path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write(sys.argv[1:] or None):
        print(written.relative_to(ROOT))

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

# ruff: noqa: E501  (notebook text is kept as it appears in the notebook)
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
            print(f"{row}: allows {len(matrix.allowed_actions(row))} X-Ray actions")
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


# ------------------------------------------------------------------------------------------
# 03 tags


def tags() -> list[NotebookNode]:
    return [
        md("""
        # Tags

        **After this notebook you can control who may create, change and delete X-Ray groups and sampling
        rules by their tags, tell request tags from resource tags from tag keys, and close the gap the
        documented example leaves open.**
        """),
        md(f"""
        ## Where this comes from

        X-Ray Developer Guide, [How AWS X-Ray works with IAM]({XRAY_IAM}), section *Authorization based on
        X-Ray tags*, and [AWS X-Ray identity-based policy examples]({XRAY_EXAMPLES}), section *Managing
        access to X-Ray groups and sampling rules based on tags*. What has changed since the seed page:
        it names a key `xray:ResourceTag/key-name`, which X-Ray has never had; tags on a group or rule are
        checked with the global key `aws:ResourceTag/key-name`. The tagging actions also accept a group or
        rule ARN today.
        """),
        code("""
        from xraykit import catalog, figures, simulate
        from xraykit.exercises import check_policy
        from xraykit.scenarios import run_scenario
        from xraykit.widgets import lifecycle_stepper, tag_explorer
        from xraykit.widgets.tags import TAG_POLICIES, run_lifecycle, tag_policy
        """),
        code("""
        facts = catalog.seed_facts()
        print("the seed page names:", ", ".join(facts.seed_tag_condition_keys))
        print("X-Ray supports:     ", ", ".join(facts.tag_condition_keys))
        """),
        md("""
        ## Three keys, three moments

        A call can carry tags of its own (`CreateGroup` with `Tags`, `TagResource`): each becomes
        `aws:RequestTag/KEY`, and their keys together are the multivalued `aws:TagKeys`. A call on an
        existing group or rule also carries the tags already on it, as `aws:ResourceTag/KEY`. Which ones
        a call carries depends on the action, and the kit builds them the way AWS does.

        ## Predict, then run

        The documented policy allows `xray:*` and denies `UpdateGroup` and `DeleteGroup` when
        `aws:ResourceTag/stage` is `prod` or `preprod`. The group `errors` is tagged `stage=prod`.
        **Can the team delete it? Can it remove the tag?**
        """),
        widget("tag_explorer()"),
        code("""
        explorer = tag_explorer()
        print(explorer.result)
        """),
        md("""
        The delete is explicitly denied: its request carries `aws:ResourceTag/stage=prod`. Now set
        **Operation** to `UntagResource` and **Tags sent** to `stage`: the untag is allowed, because the
        deny names only `UpdateGroup` and `DeleteGroup`. Then `CreateGroup` with `stage=prod` sent: the
        docs' `aws:RequestTag` statement denies it.
        """),
        md("""
        ## Touch it: the lifecycle stepper

        A group's life, one call at a time: create it as `stage=dev`, promote it to `stage=prod`, try to
        delete it, remove the tag, try again. It starts with every call run under the docs' policy. Use
        **Reset** and **Next call** to step; switch the policy to the fixed one and watch the last calls.
        """),
        widget("lifecycle_stepper()"),
        md("""
        ## Look: the tag lifecycle

        Green calls were allowed, red ones explicitly denied; under each, the tags the call sent (`+`) or
        removed (`-`), and the tags left on the group.
        """),
        code('fig, timeline = figures.tag_timeline(run_lifecycle(TAG_POLICIES["docs: deny changes to stage=prod groups"]))'),
        code("print(timeline)"),
        md("""
        ## The trap: untag, then delete

        The deny looks at the group's tags *at the time of the call*, and the same policy allows
        `xray:UntagResource`. So anyone it binds can remove `stage=prod` and then delete the group. The
        kit's scenario of this trap, from the docs' example:
        """),
        code('print(run_scenario("untagging a production group first gets around the deny on deleting it"))'),
        md("""
        The fix: deny `TagResource` and `UntagResource` on resources tagged `stage=prod` too, so the tag
        cannot be removed (or a prod tag overwritten) by the people it is meant to hold back.
        """),
        code('print(run_scenario("denying tag changes on production groups closes the untag then delete gap"))'),
        code('print(run_lifecycle(TAG_POLICIES["fixed: also deny tagging and untagging them"]))'),
        md("""
        A second trap from the seed page: its `xray:ResourceTag/...` key does not exist, so a deny written
        with it never applies.
        """),
        code('print(run_scenario("the seed s xray resourcetag key never matches so its deny protects nothing"))'),
        md("""
        ## Every team its own groups: policy variables

        One statement can serve every team if it compares the group's tag with a tag *of the caller*:
        `"aws:ResourceTag/team": "${aws:PrincipalTag/team}"`. IAM fills in the caller's `team` tag when
        the request arrives. **Predict: may someone of team `web` delete a group of team `core`?**
        """),
        code("""
        own_team = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Action": ["xray:GetGroup", "xray:UpdateGroup", "xray:DeleteGroup"],
                "Resource": "arn:aws:xray:*:*:group/*/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            }],
        }
        core_group = "arn:aws:xray:us-east-1:123456789012:group/core-errors/CORE1"
        """),
        code("""
        for team in ("core", "web"):
            context = {"aws:PrincipalTag/team": team, "aws:ResourceTag/team": "core"}
            print(team, simulate("xray:DeleteGroup", core_group, context=context, identity_policies=[own_team]).decision.value)
        """),
        md("""
        Which keys does the request have to carry for this statement to decide? Ask without a context:
        the evaluation lists every key it looked for and did not find, the variable's key included.
        """),
        code("""
        bare = simulate("xray:DeleteGroup", core_group, identity_policies=[own_team])
        print(bare.decision.value, list(bare.missing_keys))
        """),
        md("""
        The trap: variables work only under `"Version": "2012-10-17"`. Under the old `2008-10-17`, or with
        no `Version`, IAM compares the text `${aws:PrincipalTag/team}` as it is, and the statement never
        applies. Look at the condition line of the trace:
        """),
        code("""
        old_version = {**own_team, "Version": "2008-10-17"}
        context = {"aws:PrincipalTag/team": "core", "aws:ResourceTag/team": "core"}
        print(simulate("xray:DeleteGroup", core_group, context=context, identity_policies=[old_version]))
        """),
        md("""
        ## Summary

        - `aws:RequestTag/KEY` and `aws:TagKeys` describe the tags a call sends; `aws:ResourceTag/KEY` the tags already on the group or rule.
        - `${aws:PrincipalTag/team}` lets one statement serve every team, but only under `"Version": "2012-10-17"`.
        - X-Ray has no `xray:ResourceTag` key (the seed page is wrong): use `aws:ResourceTag`.
        - A tag-based deny is only as strong as the control over the tags: deny `TagResource` and `UntagResource` too.
        - Condition key names ignore case; tag values do not.
        """),
        md("""
        ## Exercises

        1. Start from the docs' policy (below) and change it so that groups tagged `stage=prod` can be
           neither updated, deleted, untagged nor re-tagged, and no group can be created as `stage=prod`,
           while everything else in X-Ray stays allowed. (Solution: `exercises.solution("protect-prod-groups")`.)
        """),
        code("""
        my_policy = tag_policy("docs: deny changes to stage=prod groups")
        check_policy("protect-prod-groups", my_policy)
        """),
    ]


# ------------------------------------------------------------------------------------------
# 04 conditions on tag keys


def conditions() -> list[NotebookNode]:
    return [
        md("""
        # Conditions on tag keys

        **After this notebook you can predict what `ForAllValues` and `ForAnyValue` do with a
        multivalued key like `aws:TagKeys`, including when a request carries no tags at all, and write
        the `Null` guard that makes an allowlist mean what it says.**
        """),
        md(f"""
        ## Where this comes from

        IAM User Guide, [Single-valued vs. multivalued context keys]({IAM_MULTI}); the X-Ray guide's
        tag section ([How AWS X-Ray works with IAM]({XRAY_IAM}), *Authorization based on X-Ray tags*)
        names `aws:TagKeys` without saying how it behaves. The seed page says X-Ray has no service
        condition keys; today it has two.
        """),
        code("""
        from xraykit import catalog, simulate
        from xraykit.exercises import check_policy
        from xraykit.scenarios import run_scenario
        from xraykit.widgets import tag_explorer
        """),
        code("""
        facts = catalog.seed_facts()
        print("X-Ray's own condition keys today:", ", ".join(facts.service_condition_keys))
        print("aws:TagKeys is multivalued:", catalog.condition_key("aws:TagKeys").multivalued)
        """),
        md("""
        ## Predict, then run

        An allowlist: tagging is allowed only if every tag key is `team` or `stage`
        (`ForAllValues:StringEquals` on `aws:TagKeys`). **Is a `TagResource` call with `owner=bob`
        allowed? With `team=web`? And a call that sends no tags at all?**
        """),
        code("""
        allowlist = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "xray:TagResource", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]}}}]}
        for keys in (["owner"], ["team"], ["team", "owner"], []):
            context = {"aws:TagKeys": keys} if keys else {}
            print(keys or "(no tags)", "->", simulate("xray:TagResource", context=context, identity_policies=[allowlist]).decision)
        """),
        md("""
        `ForAllValues` asks "is every value in the list?", and for an empty list the answer is yes: no
        value breaks the rule. So the allowlist also allows a request with no tag keys. `ForAnyValue`
        asks "is at least one value in the list?": with no values, never.
        """),
        md("""
        ## Touch it

        The tag explorer with the allowlist policy: change **Tags sent** (press Enter), e.g. to `owner=bob`,
        `team=web, stage=dev`, or nothing; then pick the policy with a Null guard.
        """),
        widget('tag_explorer("tag keys allowlist (ForAllValues)", "TagResource", "", "team=web")'),
        code("""
        print(tag_explorer("tag keys allowlist (ForAllValues)", "TagResource", "", "").result.summary())
        print(tag_explorer("tag keys allowlist with a Null guard", "TagResource", "", "").result.summary())
        """),
        md("""
        ## The trap, and the fix

        The kit's scenarios of both, as data: the allowlist passes a request without tags; a `Null`
        condition (`"Null": {"aws:TagKeys": "false"}`, "the key must be present") closes it.
        """),
        code('print(run_scenario("a forallvalues allowlist on aws tagkeys passes when a request carries no tags"))'),
        code('print(run_scenario("a null condition on aws tagkeys makes the tag allowlist require tags"))'),
        md("""
        The mirror image: a *deny* with `ForAnyValue` finds nothing to match when no tags are sent, so
        the deny does not apply.
        """),
        code('print(run_scenario("a foranyvalue deny finds nothing to match when a request carries no tags"))'),
        md("""
        And case: condition **key names** are case-insensitive (`aws:tagkeys` is `aws:TagKeys`), tag
        **values** are compared as written.
        """),
        code('print(run_scenario("tag key names in conditions ignore case but tag values do not"))'),
        md("""
        ## Summary

        - `aws:TagKeys` is multivalued: use `ForAllValues` (every key in the list) or `ForAnyValue` (some key in the list).
        - `ForAllValues` over no values is true, so an allowlist also allows requests without tags.
        - Add `"Null": {"aws:TagKeys": "false"}` to require tags; a `ForAnyValue` deny never matches a request without tags.
        - Key names ignore case, values do not.
        """),
        md("""
        ## Exercises

        1. Write a policy that allows tagging groups only with the keys `team` and `stage`, and only with
           at least one tag. The allowlist above is the starting point. (Solution:
           `exercises.solution("tag-keys-allowlist")`.)
        """),
        code('check_policy("tag-keys-allowlist", allowlist)'),
    ]


# ------------------------------------------------------------------------------------------
# 05 managed policies


def managed() -> list[NotebookNode]:
    return [
        md("""
        # Managed policies

        **After this notebook you can pick the AWS managed policy for a console user, a daemon and an
        administrator, say what each one leaves out, and see what changed between versions.**
        """),
        md(f"""
        ## Where this comes from

        X-Ray Developer Guide, [How AWS X-Ray works with IAM]({XRAY_IAM}) (the introduction: console
        users need only read permissions; the read and write policies do not include encryption or
        sampling-rule configuration), and [AWS X-Ray identity-based policy examples]({XRAY_EXAMPLES}),
        section *IAM managed policies for X-Ray*. What has changed since the seed page: AWS has updated the
        policies several times; the read-only policy of 2020 lacks actions today's version grants.
        """),
        code("""
        import json

        from xraykit import catalog, figures
        from xraykit.account import Account
        from xraykit.exercises import check_daemon_policy
        from xraykit.scenarios import run_scenario
        from xraykit.widgets import matrix_view
        """),
        code("""
        for name, version in catalog.seed_facts().managed_policy_versions_at_seed:
            current = next(v.version for v in catalog.managed_policy_versions(name) if v.is_current)
            print(f"{name:42} at the seed date: {version or '(did not exist)':4}  today: {current}")
        """),
        md("""
        ## Predict, then run

        The docs say a console user needs only `AWSXrayReadOnlyAccess`. **Does it let the user view the
        service map? Change the encryption setting? Upload segments?**
        """),
        code("""
        account = Account()
        account.add_user("carol", ["AWSXrayReadOnlyAccess"])
        print(account.run_bundle("console-service-map", "carol"))
        """),
        code('print(run_scenario("a read only console user cannot upload traces or change settings"))'),
        md("""
        ## Look: which policy allows which action

        Each row is a managed policy, each column an X-Ray action (split by resource type where an action
        takes one); green is allowed. Reading down a column answers "who can do this?".
        """),
        code("fig, matrix = figures.verdict_matrix()"),
        code("""
        for row in matrix.rows:
            print(f"{row}: allows {len(matrix.allowed_actions(row))} of 44 X-Ray actions")
        for action in ("xray:PutEncryptionConfig", "xray:UpdateSamplingRule", "xray:PutTraceSegments"):
            print(action, "->", [r for r in matrix.rows if matrix.decision(r, action).allowed])
        """),
        md("""
        Read and write policies leave out `PutEncryptionConfig` and the sampling-rule writes: only
        `AWSXrayFullAccess`, or a custom policy naming those configuration actions, covers them.

        ## Touch it

        Choose policies (Ctrl/Cmd-click for several) and an action pattern; hover a cell for its action.
        """),
        widget("matrix_view()"),
        md("""
        ## What changed between versions

        A managed policy changes when AWS publishes a new version; your account uses the new default at
        once. The read-only policy of the seed date (v5) against today's:
        """),
        code('print(catalog.diff_managed_policy("AWSXrayReadOnlyAccess", "v5"))'),
        code("print(json.dumps(catalog.managed_policy(\"AWSXRayDaemonWriteAccess\"), indent=2))"),
        md("""
        ## The trap: "narrower than read-only" breaks the console

        Trimming the read-only policy to what seems needed for the service map misses an action the
        console calls, and the page fails:
        """),
        code('print(run_scenario("a policy narrower than awsxrayreadonlyaccess breaks the console s service map"))'),
        md("""
        The fix is the managed policy itself (or every action of the console's bundle, which the kit
        lists and checks as a whole):
        """),
        code('print(run_scenario("a console user with awsxrayreadonlyaccess can view the service map and traces"))'),
        md("""
        ## Summary

        - Console users: `AWSXrayReadOnlyAccess`. Daemons and SDKs: `AWSXRayDaemonWriteAccess`. Administrators: `AWSXrayFullAccess`.
        - Read and write policies do not include encryption or sampling-rule configuration.
        - Managed policies change over time: the 2020 read-only policy lacks actions today's grants.
        - A matrix of policies × actions answers "who can do this?" at a glance.
        """),
        md("""
        ## Exercises

        1. Write the smallest policy for the X-Ray daemon: what `AWSXRayDaemonWriteAccess` grants, and no
           more. The check also runs the kit's lint on your policy. (Solution:
           `exercises.solution("daemon-least-privilege")`.)
        """),
        code("""
        my_policy = {"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Action": "xray:Put*", "Resource": "*"}]}
        check_daemon_policy(my_policy)
        """),
    ]


# ------------------------------------------------------------------------------------------
# 06 KMS encryption


def kms() -> list[NotebookNode]:
    return [
        md("""
        # KMS encryption

        **After this notebook you can say, for default encryption, the AWS managed key `aws/xray` and a
        customer managed key, who can change X-Ray's encryption setting and who can read encrypted
        traces, and why a key policy can make an IAM permission count for nothing.**
        """),
        md(f"""
        ## Where this comes from

        X-Ray Developer Guide, [How AWS X-Ray works with IAM]({XRAY_IAM}), section *User permissions for
        encryption*. What has changed since the seed page: AWS now says "KMS key" where the seed says
        "customer master key (CMK)"; and the page's "permission only needs to be set on the key policy"
        holds only for users the key policy names, not for a key policy that delegates to IAM.
        """),
        code("""
        from xraykit import catalog, kms, simulate
        from xraykit.exercises import check_key_policy
        from xraykit.scenarios import run_scenario
        from xraykit.widgets import key_policy_toggler
        """),
        code("""
        facts = catalog.kms_facts()
        print("to configure a customer managed key:", ", ".join(facts.configure_actions))
        print("to read encrypted traces:          ", ", ".join(facts.read_actions))
        print("kms:ViaService for X-Ray:           ", facts.via_service_value)
        """),
        md("""
        ## Predict, then run

        `dev` has `AWSXrayReadOnlyAccess` and no KMS permission in IAM. X-Ray uses a customer managed key
        whose policy lists `dev` as a *key user* (the console's default key policy). **Can dev read
        encrypted traces?** And `ops`, who has `AWSXrayFullAccess` but is not in the key policy?
        """),
        widget("key_policy_toggler()"),
        code("print(key_policy_toggler().result)"),
        md("""
        `dev` can read: the key policy names dev, so no IAM permission is needed. `ops` can change the
        setting (that is an X-Ray permission) but cannot use the key: the key policy does not name ops,
        and ops has no KMS permission in IAM. Now tick **ops has KMS permissions in IAM**: ops can use
        the key, because the key policy's root statement lets IAM policies count. Untick the root
        statement and it stops.

        ## The key policy's building blocks

        The console writes the default policy from four statements: the account root (IAM policies
        count), key administrators, key users, and grants for AWS resources (what lets X-Ray create its
        grant). With only the root statement, IAM policies decide everything.
        """),
        code("""
        console_policy = kms.key_policy(administrators=["arn:aws:iam::123456789012:user/admin"],
                                        users=["arn:aws:iam::123456789012:user/dev"])
        for statement in console_policy["Statement"]:
            print(f"{statement['Sid']}: {statement['Principal']['AWS']}")
        """),
        md("""
        ## The trap: an IAM permission the key policy ignores

        For KMS, an IAM policy counts only if the key policy lets it, by delegating to the account.
        """),
        code("""
        key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        iam_allows = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}]}
        admin_only = kms.key_policy(root=False, administrators=["arn:aws:iam::123456789012:user/admin"])
        print(simulate("kms:Decrypt", key, identity_policies=[iam_allows], resource_policy=admin_only))
        """),
        md("The fix: the key policy delegates to the account (the root statement), and then the IAM allow counts."),
        code("""
        delegating = kms.key_policy(administrators=["arn:aws:iam::123456789012:user/admin"])
        print(simulate("kms:Decrypt", key, identity_policies=[iam_allows], resource_policy=delegating).decision)
        """),
        code('print(run_scenario("a key policy that only delegates to iam needs kms permissions in the principal s policy"))'),
        code('print(run_scenario("the aws managed key aws xray lets every x ray reader decrypt through x ray only"))'),
        md("""
        ## Summary

        - Default encryption and `aws/xray`: whoever may call X-Ray's read APIs can read; whoever may call `xray:PutEncryptionConfig` can change the setting.
        - A customer managed key: configuring needs `kms:DescribeKey` and `kms:CreateGrant`, reading needs `kms:Decrypt`, all through X-Ray.
        - A key user named in the key policy needs no KMS permission in IAM; with only the root statement, IAM policies decide.
        - Without the root statement, KMS permissions in IAM count for nothing.
        """),
        md("""
        ## Exercises

        1. Write a key policy (no IAM policies involved) so that `admin` can point X-Ray at the key,
           `reader` can read encrypted traces through X-Ray, and nobody else can do either. (Solution:
           `exercises.solution("key-policy-readers")`.)
        """),
        code("""
        my_key_policy = kms.key_policy(root=True)
        check_key_policy("key-policy-readers", my_key_policy)
        """),
    ]


# ------------------------------------------------------------------------------------------
# 07 credentials


def credentials() -> list[NotebookNode]:
    return [
        md("""
        # Credentials, local vs AWS

        **After this notebook you can say which identity the AWS SDK and the X-Ray daemon will sign
        with, on a laptop or on EC2, ECS, Elastic Beanstalk and Lambda, and whether that identity may
        upload traces.**
        """),
        md(f"""
        ## Where this comes from

        X-Ray Developer Guide, [How AWS X-Ray works with IAM]({XRAY_IAM}), sections *Running your
        application locally* and *Running your application in AWS*. What has changed since the seed page:
        it says the daemon uses the default profile when several exist; that is true only while
        `AWS_PROFILE` is unset, and today's daemon (built on the AWS SDK for Go v2) follows the SDK's
        chain: environment variables first, then the profile, then the platform's role.
        """),
        code("""
        from xraykit import credentials, figures
        from xraykit.exercises import DAEMON_ROLE_START, check_environment
        from xraykit.scenarios import run_scenario
        from xraykit.widgets import credentials_editor
        """),
        md("""
        ## Predict, then run

        The guide's local set-up: an IAM user's keys in `~/.aws/credentials` under `[default]`, and the
        daemon run in local mode with `-n us-east-2`. **Which identity signs the daemon's uploads?**
        """),
        code("""
        environment, options = credentials.example("laptop-default-profile")
        resolution = credentials.resolve_daemon(environment, options)
        print(resolution)
        """),
        md("""
        ## Look: the provider chain

        The daemon tries each source in order; the first that yields keys wins and the rest are never
        asked.
        """),
        code("fig, chain = figures.provider_chain(resolution)"),
        code("print(chain)"),
        md("""
        ## Touch it

        The editor starts on the same laptop. Try: `AWS_PROFILE=dev` in **Environment** (a profile that
        does not exist); the example `ec2-instance-profile`; an empty **Role** on EC2; another policy for
        the resolved identity. Text boxes apply when you leave them.
        """),
        widget("credentials_editor()"),
        code('print(credentials_editor("ec2-instance-profile").result)'),
        md("""
        ## The trap: keys in the environment win

        A developer exported someone else's keys in the shell long ago. The credentials file holds the
        daemon user's keys, but environment variables come first in both chains:
        """),
        code('print(run_scenario("access keys in environment variables win over the shared credentials file"))'),
        md("""
        The fix is to unset `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (or run the daemon where they
        are not set); then the file's `[default]` profile is used again. On AWS, the same rule means a
        task or function with keys in its environment ignores its role.
        """),
        code('print(run_scenario("on ecs without a task role the daemon falls back to the container instance role"))'),
        md("""
        ## Summary

        - Both chains start with environment variables, then the profile (`AWS_PROFILE`, else `default`), then the platform's role.
        - On AWS, use a role: the instance profile (EC2, Elastic Beanstalk), the task role (ECS), the execution role (Lambda).
        - The identity the daemon resolves needs the daemon's five actions (`AWSXRayDaemonWriteAccess`).
        - The daemon needs a region: from `-n`, `AWS_REGION`, or instance metadata on AWS.
        """),
        md("""
        ## Exercises

        1. alice's keys (no X-Ray permissions) are in `[default]`. Without touching the credentials
           file, make the daemon run as the role `xray-daemon` in us-east-2. Edit the environment below
           (the kit's JSON form: `env`, `config_file`, `daemon` options) and check it. (Solution:
           `exercises.solution("daemon-uses-role")`.)
        """),
        code("""
        my_environment = dict(DAEMON_ROLE_START)
        check_environment("daemon-uses-role", my_environment)
        """),
    ]


# ------------------------------------------------------------------------------------------
# 08 playground


def playground_nb() -> list[NotebookNode]:
    return [
        md("""
        # Playground

        **After this notebook you can put any policy set (identity policies, a permissions boundary,
        SCPs, a resource or key policy) against any request, and read the decision and its full trace.**
        """),
        md(f"""
        ## Where this comes from

        IAM User Guide, [Policy evaluation logic]({IAM_LOGIC}), for every kind of policy; the X-Ray cases
        come from [How AWS X-Ray works with IAM]({XRAY_IAM}). The seed page covers identity policies only;
        permissions boundaries, SCPs and resource control policies limit X-Ray requests the same way as
        any other.
        """),
        code("""
        from xraykit import figures, simulate
        from xraykit.exercises import check_boundary
        from xraykit.widgets import playground
        from xraykit.widgets.playground import PRESETS
        """),
        md("""
        ## Predict, then run

        A user has `AWSXrayFullAccess`; the permissions boundary is `AWSXrayReadOnlyAccess`.
        **Can the user change the encryption setting? Read the service map?**
        """),
        code("""
        for action in ("xray:PutEncryptionConfig", "xray:GetServiceGraph"):
            print(simulate(action, identity_policies=["AWSXrayFullAccess"],
                           permission_boundaries=["AWSXrayReadOnlyAccess"]).decision, action)
        """),
        md("""
        A boundary grants nothing; it caps what identity policies grant. A request must be allowed by
        both. In the flow, the identity-based policy let the request through and the boundary stopped it:
        """),
        code("""
        capped = simulate("xray:PutEncryptionConfig", identity_policies=["AWSXrayFullAccess"],
                          permission_boundaries=["AWSXrayReadOnlyAccess"])
        fig, flow = figures.decision_flow(capped)
        """),
        code("print(flow)"),
        md("""
        ## Touch it

        Each box takes a JSON policy, a JSON list of policies, or managed policy names (comma-separated);
        leave it empty for none. **Start from** fills every box with a documented case. Invalid JSON is
        shown in red and the last good result stays.
        """),
        widget("playground()"),
        code("""
        for name, preset in PRESETS.items():
            pg = playground(name)
            print(f"{name}: {pg.evaluation.decision}")
        """),
        md("""
        ## The trap: an SCP that allows something else

        An organization's SCPs must allow a request at every level; an SCP that allows only S3 blocks
        X-Ray for everyone in the account, administrators included, though it denies nothing explicitly.
        """),
        code("""
        s3_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        print(simulate("xray:GetServiceGraph", identity_policies=["AWSXrayFullAccess"], scps=[s3_only]))
        """),
        md("The fix is at the organization: the SCP must allow X-Ray too (for example `FullAWSAccess` plus targeted denies)."),
        code("""
        with_xray = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "xray:*"], "Resource": "*"}]}
        print(simulate("xray:GetServiceGraph", identity_policies=["AWSXrayFullAccess"], scps=[with_xray]).decision)
        """),
        md("""
        ## Summary

        - Identity policies and resource policies grant; boundaries, session policies, SCPs and RCPs only limit.
        - Every limiting policy that takes part must allow the request, and an explicit deny anywhere wins.
        - The trace names the layer that decided or blocked, the statement, and the element.
        - Invalid input is reported with its JSON path and a hint, never a traceback.
        """),
        md("""
        ## Exercises

        1. alice has `AWSXrayFullAccess`. Write a permissions boundary that lets her read and upload
           traces but never change the encryption setting or sampling rules. Try it in the playground
           (put it in **Boundary**), then check it. (Solution: `exercises.solution("boundary-no-config")`.)
        """),
        code('check_boundary("boundary-no-config", "AWSXrayFullAccess")'),
    ]


# ------------------------------------------------------------------------------------------
# 09 gotchas quiz


def quiz_nb() -> list[NotebookNode]:
    return [
        md("""
        # Gotchas quiz

        **After this notebook you will have met every trap of the series once more, this time by
        predicting before you look.**
        """),
        md(f"""
        ## Where this comes from

        Each card names its source: the X-Ray pages [How AWS X-Ray works with IAM]({XRAY_IAM}) and
        [identity-based policy examples]({XRAY_EXAMPLES}), and the IAM User Guide's
        [Policy evaluation logic]({IAM_LOGIC}). Where the seed page itself is the trap (the
        `xray:ResourceTag` key), the card says so.
        """),
        code("""
        from xraykit.exercises import QUIZ, check_quiz
        from xraykit.widgets import quiz
        """),
        md("""
        ## Predict, then reveal

        Pick a card, choose your prediction, then **Reveal**: the simulator decides, and the card says why.
        The answers are not stored on the page: each reveal runs the request.
        """),
        widget("quiz()"),
        code("""
        for number, card in enumerate(QUIZ, 1):
            print(f"{number:2}. {card.key}: {card.source}")
        """),
        md("""
        ## Summary

        - Wildcards match names, not access levels; `NotAction` with `Allow` gives away every other service.
        - ARNs: only ten X-Ray actions take one; group ARNs end in a generated ID; resource parts are case-sensitive.
        - Tags: `aws:ResourceTag`, not `xray:ResourceTag`; deny re-tagging too; `ForAllValues` passes with no tags.
        - Layers: an explicit deny wins; boundaries and SCPs only limit; a KMS key policy decides whether IAM counts.
        """),
        md("""
        ## Exercises

        1. Write your predictions for every card (card key → `Allowed`, `ImplicitlyDenied` or
           `ExplicitlyDenied`) and check them all at once. Two are filled in to show the form.
        """),
        code("""
        my_predictions = {"action-case": "Allowed", "notaction-allow": "ImplicitlyDenied"}
        check_quiz(my_predictions)
        """),
    ]


NotebookBuilder = Callable[[], list[NotebookNode]]
SERIES: dict[str, NotebookBuilder] = {
    "00_index": index,
    "01_actions_and_wildcards": actions,
    "02_resources_and_arns": resources,
    "03_tags": tags,
    "04_conditions": conditions,
    "05_managed_policies": managed,
    "06_kms_encryption": kms,
    "07_credentials": credentials,
    "08_playground": playground_nb,
    "09_gotchas_quiz": quiz_nb,
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

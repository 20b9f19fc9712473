"""The Condition block: every operator and key must hold, any listed value may match.

A ``Condition`` block maps operators to keys and keys to values. AWS reads it this way:

- all operators, and all keys under one operator, must hold (AND);
- the values listed for one key are alternatives (OR): the key holds when a value matches. For a
  negated operator (``StringNotEquals``, ``NotIpAddress`` ...) the key holds when *no* value
  matches, so the values act together (AND);
- a key absent from the request makes the test false, except: with ``...IfExists`` it is true;
  with a negated operator it is true; under ``ForAllValues`` it is true (an empty set); under
  ``ForAnyValue`` it is false (and ``ForAnyValue:...IfExists`` is true: IfExists wins);
- ``ForAllValues:`` holds when every request value matches some policy value (true for no
  values); ``ForAnyValue:`` holds when at least one does (false for no values). With a negated
  base operator the per-value test is the negated one: ``ForAllValues:StringNotEquals`` holds when
  no request value equals any policy value;
- ``Null`` is about presence only: ``true`` asks for the key to be absent, ``false`` present. An
  empty list is present;
- an operator without a set qualifier on a key given as a list (a multivalued key) is false, even
  when negated or with IfExists: AWS documents that multivalued keys need ``ForAllValues`` or
  ``ForAnyValue``, and the independent evaluator (confirmed with AWS, it notes) never matches them.
  The engine passes single-valued keys as strings, so a list here means a multivalued key;
- a value that cannot be compared (``NumericLessThan: "abc"``, a request value that is not a
  number, a policy variable with no value) never matches; under a negated operator it makes the
  test false rather than true, as in the independent evaluator.

Policy variables in values are substituted (under Version 2012-10-17) for the String, Arn and Bool
families, from the same request context.

Taught in ``notebooks/04_conditions.ipynb``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from xraykit.operators import (
    Comparator,
    OperatorSpec,
    comparator,
    normalize_values,
    parse_bool,
    parse_operator,
)
from xraykit.result import ConditionCheck, Reason
from xraykit.variables import Template, Var, parse

__all__ = ["Block", "Conditions", "Context", "compile_conditions", "holds"]

Context = Mapping[str, str | tuple[str, ...]]
"""A request context: lowercased key name -> value, a tuple for a multivalued key."""

_MISSING: Any = object()


def _no_lookup(key: str) -> None:
    return None


def _absent(spec: OperatorSpec) -> tuple[bool, Reason]:
    """What an absent key gives under this operator, and why (the rules in the module docstring)."""
    if spec.family == "Null":
        return False, Reason.CONDITION_NULL_CHECK  # (Null has its own test; see _Check)
    if spec.if_exists:
        return True, Reason.CONDITION_ABSENT_IF_EXISTS
    if spec.qualifier == "ForAllValues":
        return True, Reason.CONDITION_EMPTY_SET_ALL
    if spec.qualifier == "ForAnyValue":
        return False, Reason.CONDITION_EMPTY_SET_ANY
    if spec.negated:
        return True, Reason.CONDITION_ABSENT_NEGATED
    return False, Reason.CONDITION_KEY_ABSENT


def _compare(cmp: Comparator, negated: bool, text: str, policy: Sequence[Any]) -> bool:
    """Whether one request value holds against the policy values (None: never comparable)."""
    request = cmp.request(text)
    if request is None:
        return False
    test = cmp.test
    if negated:
        return all(p is not None and not test(p, request) for p in policy)
    return any(p is not None and test(p, request) for p in policy)


class _Check:
    """One ``operator: {key: values}`` pair, compiled."""

    __slots__ = (
        "_absent",
        "_absent_reason",
        "_cmp",
        "_dynamic",
        "_equals",
        "_resolved",
        "_static",
        "_templates",
        "key",
        "lkey",
        "null_false",
        "null_true",
        "operator",
        "spec",
        "test",
        "values",
    )

    def __init__(
        self, operator: str, spec: OperatorSpec, key: str, values: tuple[str, ...], variables: bool
    ) -> None:
        self.operator = operator
        self.spec = spec
        self.key = key
        self.lkey = key.lower()
        self.values = values
        self._templates: tuple[Template | None, ...] = ()
        self._static: tuple[Any, ...] = ()
        self._dynamic = False
        self._resolved: dict[tuple[Any, ...], Any] = {}
        self._equals: frozenset[str] | None = None
        self.null_true = self.null_false = False
        self._absent, self._absent_reason = _absent(spec)
        if spec.family == "Null":
            flags = [parse_bool(v) for v in values]
            self.null_true, self.null_false = True in flags, False in flags
            self._absent = self.null_true
            self.test = self._test_null
            return
        cmp = comparator(spec.family, spec.comparison)
        self._cmp = cmp
        templates: list[Template | None] = []
        static: list[Any] = []
        for value in values:
            template = parse(value) if variables and spec.variables and "${" in value else None
            if template is not None and template.has_variables:
                templates.append(template)
                static.append(None)
                self._dynamic = True
            elif template is not None and not template.is_plain:  # escapes only
                templates.append(None)
                static.append(cmp.policy_parts(template.resolve(_no_lookup) or ()))
            else:
                templates.append(None)
                static.append(cmp.policy(value))
        self._templates = tuple(templates)
        self._static = tuple(static)
        self.test = self._test
        if spec.family == "String" and spec.comparison != "like" and not self._dynamic:
            self._equals = frozenset(self._static)  # equality against fixed text: one set lookup

    # -- policy values for one request ----------------------------------------------------------
    def _policy(self, context: Context) -> tuple[Any, ...]:
        """Compiled policy values, variables resolved from ``context`` (None: never comparable)."""
        if not self._dynamic:
            return self._static
        out = list(self._static)
        cache = self._resolved
        for i, template in enumerate(self._templates):
            if template is None:
                continue
            parts = template.resolve(context.get)
            if parts is None:
                continue  # stays None: a variable without a value
            # a template puts literal and wildcard text at fixed places, so the texts are a key
            key = (i, *parts)
            compiled = cache.get(key, _MISSING)
            if compiled is _MISSING:
                if len(cache) > 256:
                    cache.clear()
                compiled = cache[key] = self._cmp.policy_parts(parts)
            out[i] = compiled
        return tuple(out)

    # -- fast path ---------------------------------------------------------------------------
    def _test_null(self, context: Context) -> bool:
        return self.null_false if self.lkey in context else self.null_true

    def _test(self, context: Context) -> bool:
        value = context.get(self.lkey, _MISSING)
        if value is _MISSING:
            return bool(self._absent)
        qualifier = self.spec.qualifier
        if isinstance(value, tuple):
            if qualifier is None:
                return False
            values: Iterable[str] = value
        elif qualifier is None:
            return self._one(value, self._policy(context))
        else:
            values = (value,)
        policy = self._policy(context)
        if qualifier == "ForAllValues":
            return all(self._one(v, policy) for v in values)
        return any(self._one(v, policy) for v in values)

    def _one(self, text: str, policy: tuple[Any, ...]) -> bool:
        equals = self._equals
        if equals is not None:
            return (self._cmp.request(text) in equals) is not self.spec.negated
        return _compare(self._cmp, self.spec.negated, text, policy)

    # -- explained path ----------------------------------------------------------------------
    def _outcome(self, text: str, policy: tuple[Any, ...]) -> tuple[bool, bool]:
        """``(holds, failed because of a value that cannot be compared)`` for one request value."""
        request = self._cmp.request(text)
        if request is None:
            return False, True
        test = self._cmp.test
        matched = any(p is not None and test(p, request) for p in policy)
        if self.spec.negated:
            if matched:
                return False, False
            bad = any(p is None for p in policy)
            return not bad, bad
        return matched, not matched and all(p is None for p in policy)

    def explain(self, context: Context) -> ConditionCheck:
        value = context.get(self.lkey, _MISSING)
        present = value is not _MISSING
        request_values = None if not present else value if isinstance(value, tuple) else (value,)

        def check(matched: bool, reason: Reason, variable: str | None = None) -> ConditionCheck:
            return ConditionCheck(
                self.operator, self.key, matched, reason, self.values, request_values, variable
            )

        if self.spec.family == "Null":
            matched = self.null_false if present else self.null_true
            usable = self.null_true or self.null_false
            return check(matched, Reason.CONDITION_NULL_CHECK if usable else Reason.CONDITION_BAD_VALUE)
        if not present:
            if self._absent or not self._dynamic:
                return check(bool(self._absent), self._absent_reason)
            # false for the absent key; a variable in the values would be wanted next
            return check(False, self._absent_reason, self._absent_variable(context, self._policy(context)))
        assert request_values is not None
        qualifier = self.spec.qualifier
        if qualifier is None and isinstance(value, tuple):
            return check(False, Reason.CONDITION_BAD_VALUE)  # a multivalued key needs a set operator
        if not request_values:
            if qualifier == "ForAllValues":
                return check(True, Reason.CONDITION_EMPTY_SET_ALL)
            return check(False, Reason.CONDITION_EMPTY_SET_ANY)
        policy = self._policy(context)
        outcomes = [self._outcome(v, policy) for v in request_values]
        if qualifier == "ForAllValues":
            matched = all(ok for ok, _ in outcomes)
            failures = [bad for ok, bad in outcomes if not ok]
        elif qualifier == "ForAnyValue":
            matched = any(ok for ok, _ in outcomes)
            failures = [bad for _, bad in outcomes]
        else:
            matched, bad = outcomes[0]
            failures = [bad]
        if matched:
            return check(True, Reason.CONDITION_MATCHED)
        variable = self._absent_variable(context, policy) if self._dynamic else None
        if not all(failures):
            return check(False, Reason.CONDITION_NOT_MATCHED, variable)
        if variable is not None and all(self._cmp.request(v) is not None for v in request_values):
            return check(False, Reason.CONDITION_VARIABLE_UNRESOLVED, variable)
        return check(False, Reason.CONDITION_BAD_VALUE, variable)

    def _absent_variable(self, context: Context, policy: tuple[Any, ...]) -> str | None:
        """The first policy variable (``${key}``) left without a value because its key is absent."""
        for template, compiled in zip(self._templates, policy, strict=True):
            if template is None or compiled is not None:
                continue
            for part in template.parts:
                if isinstance(part, Var) and part.default is None and context.get(part.key.lower()) is None:
                    return part.text or "${" + part.key + "}"
        return None


class Conditions:
    """A compiled Condition block.

    Attributes:
        keys: the condition keys it tests, lowercased, in order of appearance, without repeats.
        variable_keys: the keys its policy variables read, lowercased, without repeats.
        checks: how many ``operator: key`` pairs it holds.
    """

    __slots__ = ("_checks", "_tests", "checks", "keys", "variable_keys")

    def __init__(self, checks: tuple[_Check, ...]) -> None:
        self._checks = checks
        self._tests: tuple[Callable[[Context], bool], ...] = tuple(c.test for c in checks)
        self.checks = len(checks)
        self.keys = tuple(dict.fromkeys(c.lkey for c in checks))
        self.variable_keys = tuple(
            dict.fromkeys(k.lower() for c in checks for t in c._templates if t is not None for k in t.keys)
        )

    def matches(self, context: Context) -> bool:
        """Whether every operator and key holds for ``context`` (no trace: the fast path).

        Args:
            context: lowercased key -> value (a tuple for a multivalued key).

        Returns:
            True when the whole block holds.
        """
        tests = self._tests
        if len(tests) == 1:  # the usual block: one operator, one key
            return tests[0](context)
        return all(test(context) for test in tests)

    def explain(self, context: Context) -> tuple[bool, tuple[ConditionCheck, ...]]:
        """Whether the block holds, and one :class:`ConditionCheck` per ``operator: key`` pair.

        Args:
            context: as for :meth:`matches`.

        Returns:
            ``(holds, checks)``; ``holds`` always equals :meth:`matches`.
        """
        checks = tuple(c.explain(context) for c in self._checks)
        return all(c.matched for c in checks), checks

    def __repr__(self) -> str:
        return f"<Conditions {self.checks} checks on {', '.join(self.keys)}>"


Block = tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
"""A validated Condition block in normal form: ``((operator, ((key, values), ...)), ...)``."""


def holds(block: Block, context: Context, *, variables: bool) -> bool:
    """Whether a whole Condition block holds, read once without compiling it.

    Gives what ``compile_conditions(block).matches(context)`` gives (a test holds the two to
    it); for a block that is asked once, as in a stream where every case brings its own policies.

    Args:
        block: the block in normal form (as :func:`xraykit.grammar.fast_statement` gives it).
        context: lowercased key -> value (a tuple for a multivalued key).
        variables: substitute policy variables in values (only under Version 2012-10-17).

    Returns:
        True when every operator and key holds.
    """
    for operator, keys in block:
        spec = parse_operator(operator)
        for key, values in keys:
            if not _holds_once(spec, key.lower(), values, context, variables):
                return False
    return True


def _holds_once(
    spec: OperatorSpec, lkey: str, values: tuple[str, ...], context: Context, variables: bool
) -> bool:
    if spec.family == "Null":
        flags = [parse_bool(v) for v in values]
        return (False in flags) if lkey in context else (True in flags)
    value = context.get(lkey, _MISSING)
    if value is _MISSING:
        return _absent(spec)[0]
    qualifier = spec.qualifier
    if isinstance(value, tuple):
        if qualifier is None:
            return False
        request_values: tuple[str, ...] = value
    else:
        request_values = (value,)
    cmp = comparator(spec.family, spec.comparison)
    substitute = variables and spec.variables
    policy: list[Any] = []
    for text in values:
        template = parse(text) if substitute and "${" in text else None
        if template is None or template.is_plain:
            policy.append(cmp.policy(text))
            continue
        parts = template.resolve(context.get) if template.has_variables else template.resolve(_no_lookup)
        if parts is None:
            policy.append(None)  # a variable without a value: never comparable
        else:
            policy.append(cmp.policy_parts(parts))
    negated = spec.negated
    if qualifier == "ForAllValues":
        return all(_compare(cmp, negated, v, policy) for v in request_values)
    return any(_compare(cmp, negated, v, policy) for v in request_values)


def compile_conditions(block: Mapping[str, Mapping[str, Any]], *, variables: bool) -> Conditions:
    """Compile a Condition block for fast, repeated evaluation.

    Args:
        block: operator -> {condition key -> value or list of values}, already validated.
        variables: substitute policy variables in values (only under Version 2012-10-17).

    Returns:
        The compiled :class:`Conditions`.

    Raises:
        XrayKitError: for an unknown operator or a value that is not a string, number or boolean
            (the policy validator reports these first).
    """
    checks: list[_Check] = []
    for operator, keys in block.items():
        spec = parse_operator(operator)
        for key, raw in keys.items():
            checks.append(_Check(operator, spec, key, normalize_values(raw), variables))
    return Conditions(tuple(checks))

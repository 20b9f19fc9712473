"""IAM policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``, ``${*}``.

Under ``"Version": "2012-10-17"`` a policy may write ``${key}`` in a ``Resource`` and in the values
of string, ARN and ``Bool`` conditions; when the policy is evaluated IAM puts the request's value of
that context key in its place. The rules this module follows:

- The key name is case-insensitive and may be padded with spaces: ``${ aws:username }``.
- A default follows a comma and a space, in single quotes: ``${aws:username, 'anonymous'}``. It is
  used when the key is absent, or holds a list (a multivalued key cannot be substituted).
- ``${*}``, ``${?}`` and ``${$}`` are escapes for a literal ``*``, ``?`` and ``$``.
- A substituted value is literal text: a ``*`` in a user name is not a wildcard.
- A variable that cannot be resolved (absent key, no default) makes the value it sits in match
  nothing.
- ``${`` without a closing ``}`` is ordinary text; the variable ends at the first ``}``.

The engine decides whether variables apply at all (only under 2012-10-17); this module only
parses and substitutes. It is a leaf: it imports nothing from xraykit.

Taught in ``notebooks/03_tags.ipynb`` (a team may manage its own groups) and tried out in
``notebooks/08_playground.ipynb``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["ESCAPES", "Literal", "Lookup", "Template", "Var", "has_variables", "parse", "validate"]


class Literal(str):
    """Text that must be matched literally, even if it contains ``*`` or ``?``.

    Escapes and substituted variable values are :class:`Literal`; the rest of a pattern is
    wildcard text (a plain ``str``).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Literal({str.__repr__(self)})"


ESCAPES: dict[str, Literal] = {"*": Literal("*"), "?": Literal("?"), "$": Literal("$")}

Lookup = Callable[[str], str | tuple[str, ...] | None]


@dataclass(frozen=True, slots=True)
class Var:
    """One ``${key}`` or ``${key, 'default'}`` in a policy string.

    Attributes:
        key: the context key as written (spaces trimmed); compare it case-insensitively.
        default: the quoted default, or None.
        text: the variable as written, ``${`` and ``}`` included.
    """

    key: str
    default: str | None = None
    text: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.text or "${" + self.key + "}"


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string split into wildcard text, literal text and variables.

    Attributes:
        text: the string as written.
        parts: plain ``str`` (wildcard text), :class:`Literal` (escapes) and :class:`Var`.
        keys: the context keys the variables read, as first written, without repeats.
    """

    text: str
    parts: tuple[str | Var | Literal, ...]
    keys: tuple[str, ...]

    @property
    def has_variables(self) -> bool:
        """True when some part is a variable (escapes are not variables)."""
        return bool(self.keys) or any(isinstance(p, Var) for p in self.parts)

    @property
    def is_plain(self) -> bool:
        """True when the string holds no ``${...}`` at all, so it means exactly what it says.

        A string with only escapes (``a${*}``) is not plain: its text differs from its meaning.
        """
        return all(type(p) is str for p in self.parts)

    def resolve(self, lookup: Lookup) -> tuple[str | Literal, ...] | None:
        """Substitute every variable from ``lookup``.

        Args:
            lookup: returns a key's value from the request context, a tuple for a multivalued key,
                or None when the key is absent. It is called with the key lowercased.

        Returns:
            The parts with each variable replaced by a :class:`Literal` of its value (or of its
            default when the key is absent or multivalued); None when a variable without a default
            cannot be resolved. An empty string is a value like any other.
        """
        out: list[str | Literal] = []
        for part in self.parts:
            if not isinstance(part, Var):
                out.append(part)
                continue
            value = lookup(part.key.lower())
            if isinstance(value, str):
                out.append(Literal(value))
            elif part.default is not None:
                out.append(Literal(part.default))
            else:
                return None
        return tuple(out)

    def resolve_text(self, lookup: Lookup) -> str | None:
        """The resolved string (for comparisons where wildcards do not apply), or None.

        Args:
            lookup: as for :meth:`resolve`.

        Returns:
            The parts joined, or None when a variable cannot be resolved.
        """
        parts = self.resolve(lookup)
        return None if parts is None else "".join(parts)


def _variable(body: str, text: str) -> Var | Literal:
    if body in ESCAPES:
        return ESCAPES[body]
    name, sep, rest = body.partition(", ")
    default = None
    if sep:
        rest = rest.strip()
        if len(rest) >= 2 and rest[0] == rest[-1] == "'":
            default = rest[1:-1]
    return Var(name.strip(), default, text)


@lru_cache(maxsize=8192)
def parse(text: str) -> Template:
    """Split ``text`` into wildcard text, escapes and variables.

    Args:
        text: a Resource entry or a condition value as written in the policy.

    Returns:
        The :class:`Template` (cached: the same text gives the same object).
    """
    parts: list[str | Var | Literal] = []
    keys: dict[str, str] = {}
    start = 0
    pos = text.find("${")
    while pos != -1:
        end = text.find("}", pos + 2)
        if end == -1:  # unterminated: the rest is ordinary text
            break
        if pos > start:
            parts.append(text[start:pos])
        item = _variable(text[pos + 2 : end], text[pos : end + 1])
        parts.append(item)
        if isinstance(item, Var):
            keys.setdefault(item.key.lower(), item.key)
        start = end + 1
        pos = text.find("${", start)
    if start < len(text):
        parts.append(text[start:])
    return Template(text, tuple(parts), tuple(keys.values()))


def has_variables(text: str) -> bool:
    """True when ``text`` holds at least one policy variable (escapes do not count).

    Args:
        text: a policy string.

    Returns:
        Whether substitution could change what ``text`` matches beyond its escapes.
    """
    return isinstance(text, str) and "${" in text and parse(text).has_variables


def validate(text: str) -> str | None:
    """Advice about a malformed variable in ``text``, or None when every ``${...}`` is well formed.

    IAM accepts all of these (the independent evaluator does too): an unterminated ``${`` is plain
    text, and the other shapes are variables that never resolve or defaults that are ignored. So
    the message is a warning for a linter, not a reason to reject the policy.

    Args:
        text: a policy string.

    Returns:
        One lowercase sentence with the offending text in backticks, or None (also for non-text,
        which holds no variable).
    """
    if not isinstance(text, str) or "${" not in text:
        return None
    pos = text.find("${")
    while pos != -1:
        end = text.find("}", pos + 2)
        if end == -1:
            return f"`{text[pos:]}` has no closing `}}`, so IAM reads it as plain text"
        body, whole = text[pos + 2 : end], text[pos : end + 1]
        if body not in ESCAPES:
            name, sep, rest = body.partition(", ")
            if not name.strip():
                return f"`{whole}` names no context key, so it never resolves"
            if not sep and "," in body:
                return (
                    f"`{whole}` has no space after the comma, so IAM reads it all as one key name "
                    "that never resolves"
                )
            rest = rest.strip()
            if sep and not (len(rest) >= 2 and rest[0] == rest[-1] == "'"):
                return f"the default in `{whole}` needs single quotes: `${{{name.strip()}, 'value'}}`"
        pos = text.find("${", end + 1)
    return None

"""IAM wildcards: ``*`` and ``?`` in actions, resources and ``...Like`` condition values.

IAM has only two wildcards. ``*`` stands for any run of characters, the empty run included, and
it runs across ``:`` and ``/`` freely; ``?`` stands for exactly one character. Every other
character, ``.``, ``+``, ``(``, ``[`` and ``\\`` included, means itself, and a pattern must match the
whole value, not a part of it.

:class:`Glob` compiles a pattern once and matches it many times: the simulator calls it for every
action, resource and ``StringLike`` value of every statement, so no shape touches the regex engine
(:func:`glob_to_regex` gives the equivalent regular expression, for display and for tests).

ARNs are matched segment by segment (:func:`match_arn`, :class:`ArnPattern`): a wildcard in the
region cannot swallow the account, but one in the resource part may span colons.

Taught in ``notebooks/01_actions_and_wildcards.ipynb``. This module is a leaf: it imports only
:mod:`xraykit.variables` (for :class:`~xraykit.variables.Literal`, itself a leaf).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from xraykit.errors import require_text
from xraykit.variables import Literal

__all__ = [
    "ArnPattern",
    "Glob",
    "glob_to_regex",
    "has_wildcards",
    "match_arn",
    "match_resource",
    "resource_type_prefix_end",
]

_STAR = "*"
_ONE = "?"
# A compiled pattern is a tuple of tokens: ``_STAR``, ``_ONE`` or a ``("lit", text)`` chunk.
_Token = str | tuple[str, str]


def has_wildcards(text: str) -> bool:
    """True when ``text`` contains ``*`` or ``?``.

    Args:
        text: a pattern as written in a policy.

    Returns:
        Whether IAM would treat some character of ``text`` as a wildcard (never for non-text).
    """
    return isinstance(text, str) and ("*" in text or "?" in text)


_WILD = re.compile(r"([*?])")


def _tokens(parts: Iterable[str]) -> tuple[_Token, ...]:
    """Tokens of the parts: plain ``str`` parts are wildcard text, :class:`Literal` parts are not."""
    out: list[_Token] = []
    chunk: list[str] = []
    for part in parts:
        if isinstance(part, Literal) or ("*" not in part and "?" not in part):
            chunk.append(str(part))
            continue
        for piece in _WILD.split(part):
            if piece == "*" or piece == "?":
                if chunk:
                    out.append(("lit", "".join(chunk)))
                    chunk.clear()
                if piece == "?":
                    out.append(_ONE)
                elif not out or out[-1] != _STAR:  # `**` means the same as `*`
                    out.append(_STAR)
            elif piece:
                chunk.append(piece)
    if chunk:
        out.append(("lit", "".join(chunk)))
    return tuple(out)


def _regex_source(tokens: Sequence[_Token]) -> str:
    pieces = []
    for token in tokens:
        if token == _STAR:
            pieces.append(".*")
        elif token == _ONE:
            pieces.append(".")
        else:
            pieces.append(re.escape(token[1]))
    return r"\A(?s:" + "".join(pieces) + r")\Z"


def glob_to_regex(pattern: str) -> str:
    """The regular expression that matches exactly what ``pattern`` matches.

    Args:
        pattern: an IAM pattern (``*`` and ``?`` are wildcards, everything else literal).

    Returns:
        Regex source anchored at both ends (``\\A`` ... ``\\Z``, dot matching newlines), usable with
        :func:`re.match`, :func:`re.search` or :func:`re.fullmatch` alike.

    Raises:
        XrayKitError: for a pattern that is not text.
    """
    require_text(pattern=pattern)
    return _regex_source(_tokens((pattern,)))


def _always(value: str) -> bool:
    return True


class Glob:
    """A compiled IAM wildcard pattern.

    ``Glob("xray:Get*").matches("xray:GetGroup")`` is true. With ``ignore_case=True`` both sides
    are compared lowercased (action names compare that way).

    Attributes:
        pattern: the pattern as given (for :meth:`from_parts`, the parts joined, for display).
        ignore_case: whether case is ignored.
        kind: how it matches: ``"any"`` (``*``), ``"equal"``, ``"prefix"``, ``"suffix"``,
            ``"contains"``, ``"pieces"`` (literals joined by stars) or ``"segments"`` (with ``?``).
        matches: ``matches(value) -> bool``, whole-string match (an attribute set to the fastest
            test for the pattern's shape, so calling it costs one Python call).
    """

    __slots__ = ("_key", "ignore_case", "kind", "matches", "pattern")

    pattern: str
    ignore_case: bool
    kind: str
    matches: Callable[[str], bool]

    def __init__(self, pattern: str, *, ignore_case: bool = False) -> None:
        self._setup(pattern, _tokens((pattern,)), ignore_case)

    @classmethod
    def from_parts(cls, parts: Sequence[str | Literal], *, ignore_case: bool = False) -> Glob:
        """A pattern built from pieces, some of which are literal text.

        Args:
            parts: plain ``str`` parts are wildcard text; :class:`~xraykit.variables.Literal`
                parts (escapes such as ``${*}`` and substituted policy variables) match literally.
            ignore_case: compare lowercased.

        Returns:
            The compiled pattern.
        """
        glob = cls.__new__(cls)
        glob._setup("".join(parts), _tokens(parts), ignore_case)
        return glob

    def _setup(self, pattern: str, tokens: tuple[_Token, ...], ignore_case: bool) -> None:
        self.pattern = pattern
        self.ignore_case = ignore_case
        if ignore_case:
            tokens = tuple(t if isinstance(t, str) else ("lit", t[1].lower()) for t in tokens)
        self._key = (tokens, ignore_case)
        self.kind, test = _compile(tokens)
        if ignore_case and self.kind != "any":
            self.matches = lambda value: test(value.lower())
        else:
            self.matches = test

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glob) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        flag = ", ignore_case=True" if self.ignore_case else ""
        return f"Glob({self.pattern!r}{flag})"


@lru_cache(maxsize=8192)
def _compile(tokens: tuple[_Token, ...]) -> tuple[str, Callable[[str], bool]]:
    """The kind of a token sequence and its fastest whole-string test (ARN segments such as the
    partition, region and account recur in every pattern, so the tests are shared)."""
    shape = tuple(t if isinstance(t, str) else "lit" for t in tokens)
    lits = [t[1] for t in tokens if not isinstance(t, str)]
    if shape == ():
        return "equal", "".__eq__
    if shape == (_STAR,):
        return "any", _always
    if shape == ("lit",):
        text = lits[0]
        return "equal", lambda value: value == text
    if shape == ("lit", _STAR):
        prefix = lits[0]
        return "prefix", lambda value: value.startswith(prefix)
    if shape == (_STAR, "lit"):
        suffix = lits[0]
        return "suffix", lambda value: value.endswith(suffix)
    if shape == (_STAR, "lit", _STAR):
        middle = lits[0]
        return "contains", lambda value: middle in value
    if _ONE not in tokens:
        return "pieces", _pieces_test(tokens)
    return "segments", _segments_test(tokens)


def _pieces_test(tokens: tuple[_Token, ...]) -> Callable[[str], bool]:
    """A whole-string test for literals joined by ``*`` (no ``?``), without compiling a regex.

    The first literal must start the value (unless the pattern starts with ``*``), the last must end
    it (unless it ends with ``*``), and the others must appear in order in between; taking each at
    its earliest place is enough, since a ``*`` absorbs whatever lies between.
    """
    pieces = [t[1] for t in tokens if not isinstance(t, str)]
    head = pieces.pop(0) if tokens[0] != _STAR else ""
    tail = pieces.pop() if tokens[-1] != _STAR and pieces else ""
    middle = tuple(pieces)

    def test(value: str) -> bool:
        if not value.startswith(head) or not value.endswith(tail):
            return False
        pos, end = len(head), len(value) - len(tail)
        if end < pos:
            return False
        for piece in middle:
            found = value.find(piece, pos, end)
            if found < 0:
                return False
            pos = found + len(piece)
        return True

    return test


# A fixed-length run of literals and ``?`` (the text between two stars): its length, and each
# literal chunk with its offset in the run.
_Segment = tuple[int, tuple[tuple[int, str], ...]]


def _segment(tokens: Sequence[_Token]) -> _Segment:
    chunks: list[tuple[int, str]] = []
    length = 0
    for token in tokens:
        if token == _ONE:
            length += 1
        else:
            chunks.append((length, token[1]))
            length += len(token[1])
    return length, tuple(chunks)


def _segment_at(value: str, start: int, chunks: tuple[tuple[int, str], ...]) -> bool:
    for offset, text in chunks:  # noqa: SIM110 (a loop: no generator to build on the hot path)
        if not value.startswith(text, start + offset):
            return False
    return True


def _segment_find(value: str, segment: _Segment, start: int, end: int) -> int:
    """The first place at or after ``start`` where the segment fits before ``end``, or -1."""
    length, chunks = segment
    if start + length > end:
        return -1  # (and keeps every bound below non-negative: str.find reads negatives from the end)
    if not chunks:
        return start
    offset, text = chunks[0]
    rest = chunks[1:]
    stop = end - length + offset + len(text)  # the anchor chunk must end by here
    found = value.find(text, start + offset, stop)
    while found >= 0:
        if _segment_at(value, found - offset, rest):
            return found - offset
        found = value.find(text, found + 1, stop)
    return -1


def _segments_test(tokens: tuple[_Token, ...]) -> Callable[[str], bool]:
    """A whole-string test for a pattern with ``?`` (and maybe ``*``), without compiling a regex.

    The pattern is cut at its stars into fixed-length segments of literals and ``?``. The first
    segment must start the value (unless the pattern starts with ``*``), the last must end it
    (unless it ends with ``*``), and the others must appear in order in between; as for
    :func:`_pieces_test`, taking each at its earliest place is enough.
    """
    runs: list[list[_Token]] = [[]]
    for token in tokens:
        if token == _STAR:
            runs.append([])
        else:
            runs[-1].append(token)
    if len(runs) == 1:
        length, chunks = _segment(runs[0])
        return lambda value: len(value) == length and _segment_at(value, 0, chunks)
    head = _segment(runs[0])
    tail = _segment(runs[-1])
    middle = tuple(_segment(run) for run in runs[1:-1] if run)

    def test(value: str) -> bool:
        pos, end = head[0], len(value) - tail[0]
        if end < pos or not _segment_at(value, 0, head[1]) or not _segment_at(value, end, tail[1]):
            return False
        for segment in middle:
            found = _segment_find(value, segment, pos, end)
            if found < 0:
                return False
            pos = found + segment[0]
        return True

    return test


# ------------------------------------------------------------------------------------------
# ARNs


def _split_parts(parts: Sequence[str | Literal]) -> list[list[str | Literal]]:
    """Split pattern parts into ARN segments (at most six; fewer for a short pattern).

    Only colons in plain parts separate segments: a substituted value stays in its segment. After
    the fifth colon the rest, colons included, is the resource segment.
    """
    segments: list[list[str | Literal]] = [[]]
    for part in parts:
        if isinstance(part, Literal) or len(segments) == 6:
            segments[-1].append(part)
            continue
        pieces = part.split(":", 6 - len(segments))
        segments[-1].append(pieces[0])
        segments.extend([piece] for piece in pieces[1:])
    return segments


def resource_type_prefix_end(service: str, region: str, account: str, resource: str) -> int:
    """Where the resource-type prefix of an ARN's resource segment ends (0 when it has none).

    IAM does not expand wildcards in the part of an ARN that names the resource type ("You can't
    use a wildcard in the portion of the ARN that identifies the resource type", IAM identifiers):
    in ``group/prod/*`` the ``group/`` is literal, and so is ``se?ret:`` in a Secrets Manager ARN.
    The prefix runs to the first ``/`` or ``:``; S3 bucket and object ARNs have none.
    """
    if service == "s3" and not region and not account:
        return 0
    cuts = [i for i in (resource.find("/"), resource.find(":")) if i >= 0]
    return min(cuts) + 1 if cuts else 0


def _literal_prefix(parts: Sequence[str | Literal], length: int) -> list[str | Literal]:
    """The parts with their first ``length`` characters turned into literal text."""
    out: list[str | Literal] = []
    for part in parts:
        if length <= 0 or isinstance(part, Literal):
            length -= len(part)
            out.append(part)
            continue
        out += [Literal(part[:length]), part[length:]]
        length -= len(part)
    return [p for p in out if p]


class ArnPattern:
    """An ARN pattern matched segment by segment (``ArnLike``, and ``Resource`` elements).

    Both the pattern and the value are split at their first five colons into partition, service,
    region, account and resource (the resource keeps any further colons). Each segment of the
    pattern must match the same segment of the value, so a ``*`` in the region cannot reach into
    the account; in the resource segment ``*`` spans colons like anywhere else. Matching is case
    sensitive. The pattern ``*`` alone matches every value.

    With ``literal_type=True`` (how IAM matches a ``Resource`` element) the resource-type prefix
    of the resource segment is literal: see :func:`resource_type_prefix_end`.

    A pattern with fewer than six segments is *short*: with ``expand_short=False`` (the default,
    and what ``ArnLike`` does in the independent evaluator) it matches nothing; with
    ``expand_short=True`` its missing trailing segments count as ``*`` (what that evaluator does
    for ``Resource`` in identity policies, following AWS's note that a trailing ``*`` can expand
    beyond colons). A value with fewer than six segments is not an ARN and matches no pattern
    except ``*``.

    Attributes:
        pattern: the pattern as given.
        valid: False for a short pattern that is not expanded (it can match nothing).
        matches: ``matches(arn) -> bool``.
    """

    __slots__ = ("_tests", "matches", "pattern", "valid")

    pattern: str
    valid: bool
    matches: Callable[[str], bool]

    def __init__(self, pattern: str, *, expand_short: bool = False, literal_type: bool = False) -> None:
        self._setup(pattern, (pattern,), expand_short, literal_type)

    @classmethod
    def from_parts(
        cls, parts: Sequence[str | Literal], *, expand_short: bool = False, literal_type: bool = False
    ) -> ArnPattern:
        """A pattern from template parts (see :meth:`Glob.from_parts`).

        Args:
            parts: plain parts are wildcard text and may hold segment colons; literal parts never
                split a segment.
            expand_short: treat missing trailing segments as ``*``.
            literal_type: match the resource-type prefix literally (``Resource`` elements).

        Returns:
            The compiled pattern.
        """
        arn = cls.__new__(cls)
        arn._setup("".join(parts), parts, expand_short, literal_type)
        return arn

    def _setup(
        self, pattern: str, parts: Sequence[str | Literal], expand_short: bool, literal_type: bool = False
    ) -> None:
        self.pattern = pattern
        self.valid = True
        self._tests: tuple[Callable[[str], bool], ...] = (_always,) * 6
        if pattern == "*" and not any(isinstance(p, Literal) for p in parts):
            self.matches = _always
            return
        segments = _split_parts(parts)
        if len(segments) < 6 and expand_short:
            segments += [["*"] for _ in range(6 - len(segments))]
        if len(segments) < 6:
            self.valid = False
            self._tests = (_never,) * 6
            self.matches = _never
            return
        if literal_type:
            texts = ["".join(seg) for seg in segments]
            end = resource_type_prefix_end(texts[2], texts[3], texts[4], texts[5])
            segments[5] = _literal_prefix(segments[5], end)
        tests = self._tests = tuple(_segment_test(seg) for seg in segments)

        def matches(value: str) -> bool:
            pieces = value.split(":", 5)
            if len(pieces) != 6:
                return False
            return all(test(piece) for test, piece in zip(tests, pieces, strict=True))

        self.matches = matches

    def segment_matches(self, value: str) -> tuple[bool, ...]:
        """Whether each of the six segments of ``value`` matches its segment of the pattern.

        :attr:`matches` is true exactly when all six are (for a value of six segments); a
        value of fewer segments matches none of them.
        """
        pieces = value.split(":", 5)
        if len(pieces) != 6:
            return (False,) * 6
        return tuple(test(piece) for test, piece in zip(self._tests, pieces, strict=True))

    def __repr__(self) -> str:
        return f"ArnPattern({self.pattern!r})"


def _segment_test(parts: Sequence[str | Literal]) -> Callable[[str], bool]:
    """The test for one ARN segment: most are plain text (``aws``, a region, an account)."""
    if len(parts) == 1 and type(parts[0]) is str and "*" not in parts[0] and "?" not in parts[0]:
        return parts[0].__eq__
    return _compile(_tokens(parts))[1]


def _never(value: str) -> bool:
    return False


@lru_cache(maxsize=4096)
def _arn_pattern(pattern: str, expand_short: bool, literal_type: bool = False) -> ArnPattern:
    return ArnPattern(pattern, expand_short=expand_short, literal_type=literal_type)


def match_arn(pattern: str, arn: str, *, expand_short: bool = False) -> bool:
    """Whether ``arn`` matches ``pattern`` the way ``ArnLike`` compares ARNs.

    See :class:`ArnPattern` for the rules (six segments, ``*`` alone matches everything, short
    patterns match nothing unless ``expand_short``). Compiled patterns are cached.

    Args:
        pattern: an ARN pattern with ``*`` and ``?`` wildcards, or ``*``.
        arn: the value from the request.
        expand_short: treat a short pattern's missing trailing segments as ``*``.

    Returns:
        True when every segment matches.

    Raises:
        XrayKitError: for a pattern or ARN that is not text.
    """
    require_text(pattern=pattern, arn=arn)
    return _arn_pattern(pattern, expand_short).matches(arn)


def match_resource(pattern: str, arn: str) -> bool:
    """Whether ``arn`` matches ``pattern`` the way IAM matches a ``Resource`` element.

    Like :func:`match_arn`, and also: a short pattern's missing segments count as ``*``, and the
    resource-type prefix (``group/``) is literal. ``*`` matches everything. Cached.

    Args:
        pattern: a Resource entry (no policy variables: resolve those first).
        arn: the request's resource ARN.

    Returns:
        True when the pattern covers the ARN.

    Raises:
        XrayKitError: for a pattern or ARN that is not text.
    """
    require_text(pattern=pattern, arn=arn)
    return _arn_pattern(pattern, True, True).matches(arn)

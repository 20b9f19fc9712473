"""The shared credentials and config files, read the way botocore reads them.

Both are INI files parsed by Python's ``configparser.RawConfigParser`` (as botocore does). In the
credentials file every section is a profile named exactly as written; in the config file only
``[default]`` and ``[profile NAME]`` are profiles (``[dev]`` there is silently ignored, a classic
trap), while ``[sso-session NAME]`` and ``[services NAME]`` are other kinds of section.
"""

from __future__ import annotations

import configparser
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from xraykit.errors import Issue, XrayKitError

__all__ = ["IniFile", "merged_profiles", "parse_ini"]

FileKind = Literal["credentials", "config"]


@dataclass(frozen=True)
class IniFile:
    """One parsed file.

    Attributes:
        kind: ``credentials`` or ``config``.
        present: False when the file does not exist.
        profiles: profile name to its keys (lowercased) and values.
        ignored: config-file sections that are not profiles, as written (``dev`` for ``[dev]``).
        raw: every section by its name as written, in file order (the SDK for Go v1 looks profiles
            up by raw section name).
    """

    kind: FileKind
    present: bool = False
    profiles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    raw: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def sections(self) -> tuple[str, ...]:
        """Every section name in file order, as written."""
        return tuple(self.raw)

    def profile(self, name: str) -> Mapping[str, str] | None:
        """The keys of profile ``name``, or ``None`` if the file has no such profile."""
        return self.profiles.get(name)


def _config_profile_name(section: str) -> str | None:
    """The profile a config-file section defines (botocore's rule), or ``None``."""
    if section == "default":
        return "default"
    if section.startswith("profile"):
        try:
            parts = shlex.split(section)
        except ValueError:
            return None
        return parts[1] if len(parts) == 2 else None
    return None


def _where(error: configparser.Error) -> str:
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"line {error.lineno}"
    if isinstance(error, configparser.ParsingError) and error.errors:
        return f"line {error.errors[0][0]}"
    lineno = getattr(error, "lineno", None)
    return f"line {lineno}" if lineno else ""


def _what(error: configparser.Error) -> str:
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"`{error.line.strip()}` comes before any [section]"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"`{error.option}` appears twice in [{error.section}]"
    if isinstance(error, configparser.DuplicateSectionError):
        return f"the section [{error.section}] appears twice"
    if isinstance(error, configparser.ParsingError) and error.errors:
        return f"`{error.errors[0][1].strip()}` is neither a [section] nor a `key = value` line"
    return str(error).splitlines()[0].rstrip(".").lower()


def parse_ini(text: str | None, kind: FileKind, source: str) -> IniFile:
    """Parse the text of a credentials or config file.

    Args:
        text: the file's text; ``None`` for a file that does not exist.
        kind: which of the two files it is (decides which sections are profiles).
        source: a name for messages (``credentials_file``).

    Returns:
        The parsed file.

    Raises:
        XrayKitError: the text is not valid INI (a duplicate section or key, a line outside any
            section); botocore would stop with ``ConfigParseError`` on the same text.
    """
    if text is None:
        return IniFile(kind)
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=source)
    except configparser.Error as error:
        raise XrayKitError(
            Issue(
                _where(error),
                f"the {kind} file is not valid INI: {_what(error)}",
                hint="botocore stops with ConfigParseError on this file",
                source=source,
            )
        ) from None
    profiles: dict[str, dict[str, str]] = {}
    ignored: list[str] = []
    raw: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        values = {option: parser.get(section, option) for option in parser.options(section)}
        raw[section] = values
        if kind == "credentials":
            profiles[section] = values
            continue
        name = _config_profile_name(section)
        if name is not None:
            profiles[name] = values  # a later section of the same profile replaces an earlier one
        elif not section.startswith(("sso-session", "services")):
            ignored.append(section)
    return IniFile(kind, True, profiles, tuple(ignored), raw)


def merged_profiles(config: IniFile, credentials: IniFile) -> dict[str, dict[str, str]]:
    """botocore's ``full_config`` profiles: config-file profiles, then credentials-file keys on top.

    A key present in both files takes the credentials file's value (so ``region`` in
    ``~/.aws/credentials`` beats ``region`` in ``~/.aws/config``).
    """
    merged: dict[str, dict[str, str]] = {name: dict(values) for name, values in config.profiles.items()}
    for name, values in credentials.profiles.items():
        merged.setdefault(name, {}).update(values)
    return merged

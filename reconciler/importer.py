"""Live integrations → YAML files: adopt an existing account into git in one step.

Why the text is built here and not by the provider: file names, ordering, the header, YAML
quoting and the round-trip check are the same for every vendor; a provider only says, through
``export``, which document describes one live object. The output depends on nothing but the
account and the options (no date, no random order), so importing twice gives the same bytes
and a re-import shows in ``git diff`` exactly what changed in the account.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from reconciler.config.kinds import kind_info
from reconciler.config.loader import load_text
from reconciler.config.schema import schema_path
from reconciler.errors import ConfigError, ReconcilerError
from reconciler.live import DEFAULT_PARALLELISM, natural_key, read_all
from reconciler.project import schema_url
from reconciler.providers.base import FIX_KEY, AnyProvider, LiveRef

SLUG_MAX = 60
_STR = "tag:yaml.org,2002:str"
# Plain scalars a YAML 1.2 reader (editors, our loader) or a YAML 1.1 one (PyYAML, many tools)
# would read as something other than text: numbers of any notation, booleans, nulls.
_NOT_TEXT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]|[0-9])[0-9_.:]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|0[xob][0-9a-fA-F_]+"
    r"|~|null|Null|NULL"
    r"|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)


@dataclass(frozen=True)
class Exported:
    """One live object and the document that describes it."""

    provider: str
    id: str
    name: str
    document: dict[str, Any]
    fixes: tuple[str, ...] = ()  # what the file leaves out, and what to do about it


@dataclass(frozen=True)
class ImportFile:
    """A file to write: its name inside the output directory and its complete text."""

    filename: str
    text: str
    name: str
    id: str
    fixes: tuple[str, ...] = ()


def export_live(
    providers: Sequence[AnyProvider],
    *,
    names: Sequence[str] = (),
    parallelism: int = DEFAULT_PARALLELISM,
    skipped: list[str] | None = None,
) -> list[Exported]:
    """Every live object of ``providers`` (only those called ``names``, if given), exported.

    Objects reconciler could not manage (an empty name) are left out, each with a line in
    ``skipped``; what a file leaves out for plan to accept it is in ``Exported.fixes``.

    Raises ConfigError naming every requested name that no provider holds.
    """
    skipped = [] if skipped is None else skipped
    wanted = {natural_key(n): n for n in names}

    def keep(ref: LiveRef) -> bool:
        return not wanted or natural_key(ref.key) in wanted

    def check(kept: list[list[LiveRef]]) -> None:
        found = {natural_key(ref.key) for refs in kept for ref in refs}
        unknown = [name for key, name in wanted.items() if key not in found]
        if unknown:
            raise ConfigError(
                "no live integration is called "
                + ", ".join(repr(n) for n in unknown)
                + " (names are matched exactly, whatever their whitespace)"
            )

    read = read_all(providers, keep=keep, parallelism=parallelism, check=check)
    # Exported one by one: a provider may fetch its catalog on first use, once.
    exported = []
    for provider, ref, body in read:
        if not ref.key.strip():
            skipped.append(
                f"skipped {provider.name} integration {ref.id}: its name is empty, and the "
                "name is how reconciler matches it; name it in the vendor's UI, then import"
            )
            continue
        document = provider.export(body)
        fixes = tuple(document.pop(FIX_KEY, ()))
        exported.append(Exported(provider.name, ref.id, ref.key, document, fixes))
    return sorted(exported, key=lambda e: (e.name.casefold(), e.name, e.provider, e.id))


def build_files(
    exported: Sequence[Exported],
    *,
    source: str | Mapping[str, str],
    out_dir: str | os.PathLike[str],
    schema_ref: str | None = None,
) -> list[ImportFile]:
    """The file of each exported object, with deterministic, collision-free names.

    ``source`` names where the objects were read (an API URL, or one per provider name);
    ``schema_ref`` is the modeline's target: None for the schema's stable URL, ``"local"`` for
    the installed schema file relative to ``out_dir``, else the path or URL to write.
    """
    filenames = assign_filenames(exported)
    files = [
        ImportFile(
            filenames[(item.provider, item.id)],
            render_document(
                item.document,
                header=[
                    f"yaml-language-server: $schema={_schema_ref(item, out_dir, schema_ref)}",
                    f"Imported by reconciler from {_source(source, item)} (integration {item.id}).",
                    *(f"FIX: {fix}" for fix in item.fixes),
                ],
            ),
            item.name,
            item.id,
            item.fixes,
        )
        for item in exported
    ]
    return sorted(files, key=lambda f: f.filename)


def _source(source: str | Mapping[str, str], item: Exported) -> str:
    return source if isinstance(source, str) else source[item.provider]


def assign_filenames(exported: Iterable[Exported]) -> dict[tuple[str, str], str]:
    """``slug.yaml`` per object; objects whose slugs collide all get ``slug-<id>.yaml``.

    Why every member of a collision and not "the second one": which one is second would depend
    on the order objects are listed, and a file must keep its name from one import to the next.
    """
    by_slug: dict[str, list[Exported]] = {}
    for item in exported:
        by_slug.setdefault(slugify(item.name), []).append(item)
    names: dict[tuple[str, str], str] = {}
    for slug, items in by_slug.items():
        for item in items:
            stem = slug if len(items) == 1 else f"{slug}-{_safe(item.id)}"
            names[(item.provider, item.id)] = stem + ".yaml"
    if len(set(names.values())) != len(names):  # some name looks like another's "<slug>-<id>"
        names = {key: f"{_safe(key[0])}-{_safe(key[1])}.yaml" for key in names}
    return names


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text)


def slugify(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-``; never empty, at most SLUG_MAX."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "integration"


def render_document(document: dict[str, Any], *, header: Sequence[str] = ()) -> str:
    """``document`` as YAML text reading back exactly as ``document`` (else an error).

    Why read it back: a value YAML would misread must never be imported silently changed. A
    literal block is tried first for readability; double quotes are the fallback that always
    holds (the emitter refuses or mangles blocks with some leading spaces and line breaks).
    """
    comments = "".join(f"# {line}\n" for line in header)
    for dumper in (_Dumper, _QuotingDumper):
        text = comments + yaml.dump(
            document,
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=2**16,
        )
        documents, problems = load_text(text, "<import>")
        if not problems and len(documents) == 1 and documents[0].data == document:
            return text
    raise ReconcilerError(f"internal error: the YAML written for {document!r} reads back wrong")


def write_files(
    files: Sequence[ImportFile], out_dir: str | os.PathLike[str], *, force: bool = False
) -> list[Path]:
    """Write every file, or none: existing files are refused unless ``force``."""
    directory = Path(out_dir)
    targets = [directory / f.filename for f in files]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise ConfigError(
            "refusing to overwrite existing file(s): "
            + ", ".join(existing)
            + " (pass --overwrite to replace them, or choose another --out-dir)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for target, file in zip(targets, files, strict=True):
        target.write_text(file.text, encoding="utf-8", newline="\n")
    return targets


class _QuotingDumper(yaml.SafeDumper):
    """Block mappings, flow lists of scalars, and double quotes on text a YAML 1.1 or 1.2
    reader would take for a number, boolean or null (``"yes"``, ``"0.2"``, ``"+1555…"``)."""


class _Dumper(_QuotingDumper):
    """The same, with text of several lines as a literal block."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> ScalarNode:
    resolve: Callable[..., str] = dumper.resolve  # untyped in PyYAML's stubs
    plain_tag = resolve(ScalarNode, value, (True, False))
    # Only double quotes escape: single-quoted text folds line breaks such as U+0085.
    quoted = plain_tag != _STR or bool(_NOT_TEXT.match(value)) or not value.isprintable()
    return dumper.represent_scalar(_STR, value, style='"' if quoted else None)


def _represent_lines(dumper: yaml.SafeDumper, value: str) -> ScalarNode:
    if "\n" in value.rstrip("\n"):
        return dumper.represent_scalar(_STR, value, style="|")
    return _represent_str(dumper, value)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> Any:
    flow = all(not isinstance(v, dict | list) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_QuotingDumper.add_representer(str, _represent_str)
_QuotingDumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_lines)


LOCAL = "local"


def _schema_ref(item: Exported, out_dir: str | os.PathLike[str], schema_ref: str | None) -> str:
    """The modeline's target: the schema's stable URL at this release (editors anywhere find
    it), ``local``: the installed file relative to ``out_dir``, or the path/URL given."""
    if schema_ref and schema_ref != LOCAL:
        return schema_ref
    info = kind_info(item.document.get("kind"))
    if info is None:
        raise ReconcilerError(f"internal error: no schema for kind {item.document.get('kind')!r}")
    if schema_ref is None:
        return schema_url(info.schema)
    target = schema_path(info.schema).resolve()
    try:
        return Path(os.path.relpath(target, Path(out_dir).resolve())).as_posix()
    except ValueError:  # another drive (Windows): only an absolute URI can point there
        return target.as_uri()

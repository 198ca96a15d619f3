"""Frameworks in the browser: the list, one version's content, its versions, uploading a file,
exporting one as YAML, comparing two versions, retiring a version, and how to write a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Annotated

import yaml
from fastapi import HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.db import frameworks, repository
from app.db.models import FrameworkSnapshot
from app.domain.framework import Framework
from app.domain.loading import FrameworkFileError, Problem, parse_framework
from app.domain.policy import Action
from app.domain.versions import FrameworkDiff, diff_frameworks
from app.web import guides
from app.web.deps import (
    AuditDep,
    FrameworkSnapshotDep,
    FrameworkVersionDep,
    OptionalUser,
    SessionDep,
    allowed,
)
from app.web.limits import MIB
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()
UPLOAD = allowed(Action.UPLOAD_FRAMEWORKS)
RETIRE = allowed(Action.RETIRE_FRAMEWORK_VERSIONS)

MAX_UPLOAD_BYTES = 1 * MIB  # a large framework (90 criteria with guidance) is ~150 KB
UPLOAD_LIMIT = f"{MAX_UPLOAD_BYTES // MIB} MB"  # as the other upload forms say theirs


@dataclass(frozen=True)
class VersionRow:
    snapshot: FrameworkSnapshot
    assessments: int  # how many assessments use it


@dataclass(frozen=True)
class FrameworkEntry:
    framework: Framework  # the newest version
    versions: list[VersionRow]


@dataclass(frozen=True)
class FrameworksPage:
    entries: list[FrameworkEntry]
    max_upload: str = UPLOAD_LIMIT


@dataclass(frozen=True)
class UploadRefusedPage:
    filename: str
    problems: list[Problem]


@dataclass(frozen=True)
class FrameworkPage:
    framework: Framework
    snapshot: FrameworkSnapshot
    versions: list[VersionRow]
    sources: set[str]  # the `source` values the file uses, for the legend
    notice: str = ""
    is_newest: bool = True


@dataclass(frozen=True)
class DiffPage:
    framework: Framework  # the newer of the two
    old: FrameworkSnapshot
    new: FrameworkSnapshot
    diff: FrameworkDiff
    versions: list[FrameworkSnapshot] = field(default_factory=list)


def _versions(session: Session, framework_key: str) -> list[VersionRow]:
    counts = frameworks.assessment_counts(session=session, framework_key=framework_key)
    return [
        VersionRow(snapshot, counts.get(snapshot.id or 0, 0))
        for snapshot in frameworks.snapshots_of(session=session, framework_key=framework_key)
    ]


@router.get("/frameworks", name="list_frameworks")
def list_frameworks(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Every framework, its latest version first; the upload form for those who may upload."""
    entries = [
        FrameworkEntry(repository.framework_of(s), _versions(session, s.framework_key))
        for s in repository.latest_snapshots(session=session)
    ]
    page = FrameworksPage(entries)
    return templates.TemplateResponse(request, "frameworks/index.html", {"page": page})


@router.get("/help/framework-file", name="show_framework_format")
def show_framework_format(request: Request, user: OptionalUser) -> Response:
    """How to write a framework file, for those who upload one: the format's documentation.
    Not under /frameworks/, where any path could be a framework's id."""
    guide = guides.framework_format()
    return templates.TemplateResponse(request, "frameworks/format.html", {"guide": guide})


def _sources(framework: Framework) -> set[str]:
    found = {c.source for c in framework.criteria()}
    for area in framework.areas():
        found |= {area.source} | {s.source for s in area.sub_components}
    return {source for source in found if source}


def _render_version(request: Request, session: Session, snapshot: FrameworkSnapshot) -> Response:
    framework = repository.framework_of(snapshot)
    versions = _versions(session, snapshot.framework_key)
    notices = {
        "uploaded": f"Version {snapshot.version} is stored and can be used for new assessments.",
        "known": f"Version {snapshot.version} was already stored with exactly this content.",
        "retired": f"Version {snapshot.version} is retired: existing assessments keep it.",
    }
    page = FrameworkPage(
        framework=framework,
        snapshot=snapshot,
        versions=versions,
        sources=_sources(framework),
        notice=notices.get(request.query_params.get("done", ""), ""),
        is_newest=versions[0].snapshot.id == snapshot.id,
    )
    return templates.TemplateResponse(request, "frameworks/detail.html", {"page": page})


@router.get("/frameworks/{framework_id}", name="show_framework")
def show_framework(
    request: Request, snapshot: FrameworkSnapshotDep, session: SessionDep, user: OptionalUser
) -> Response:
    return _render_version(request, session, snapshot)


@router.get("/frameworks/{framework_id}/versions/{snapshot_id}", name="show_framework_version")
def show_framework_version(
    request: Request, snapshot: FrameworkVersionDep, session: SessionDep, user: OptionalUser
) -> Response:
    return _render_version(request, session, snapshot)


def _refused(request: Request, filename: str, problems: list[Problem]) -> Response:
    page = UploadRefusedPage(filename, problems)
    return templates.TemplateResponse(
        request, "frameworks/upload_refused.html", {"page": page}, status_code=422
    )


def _read_upload(file: UploadFile, filename: str) -> str:
    """The file as text, or FrameworkFileError saying why it cannot be read."""
    raw = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise FrameworkFileError(
            [Problem(filename, "", f"larger than {UPLOAD_LIMIT}; is it a framework?")]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = "not UTF-8 text; save the YAML file as UTF-8"
        raise FrameworkFileError([Problem(filename, "", message)]) from None


@router.post("/frameworks/upload", name="upload_framework", dependencies=[UPLOAD])
def upload_framework(
    request: Request, session: SessionDep, audit: AuditDep, file: UploadFile
) -> Response:
    """Validate and store an uploaded framework file; nothing is stored when it has problems
    (a file is read and checked whole before anything is written)."""
    filename = PurePath(file.filename or "upload.yaml").name[:120] or "upload.yaml"
    try:
        framework = parse_framework(_read_upload(file, filename), filename)
        known = {s.id for s in frameworks.snapshots_of(session=session, framework_key=framework.id)}
        snapshot = repository.store_framework(session=session, framework=framework, source=filename)
    except FrameworkFileError as error:
        return _refused(request, filename, list(error.problems))
    done = "known" if snapshot.id in known else "uploaded"
    if done == "uploaded":
        audit("uploaded framework", detail=f"{framework.id} {framework.version} ({filename})")
    return _back_to_version(request, snapshot, done)


def _back_to_version(request: Request, snapshot: FrameworkSnapshot, done: str) -> Response:
    """303 to the version's page, which says what was just `done`."""
    path = request.app.url_path_for(
        "show_framework_version", framework_id=snapshot.framework_key, snapshot_id=snapshot.id
    )
    return RedirectResponse(f"{path}?done={done}", status_code=303)


def _yaml_of(framework: Framework) -> str:
    """The framework as a questionnaire file: only what differs from the defaults."""
    data = framework.model_dump(mode="json", exclude_defaults=True)
    for layer in data.get("layers", []):
        for area in layer.get("areas", []):
            criteria = [*area.get("criteria", [])]
            criteria += [c for sub in area.get("sub_components", []) for c in sub["criteria"]]
            for criterion in criteria:
                if "anchors" in criterion:  # JSON made the level keys text; YAML keeps numbers
                    criterion["anchors"] = {
                        (int(float(k)) if float(k).is_integer() else float(k)): v
                        for k, v in criterion["anchors"].items()
                    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@router.get(
    "/frameworks/{framework_id}/versions/{snapshot_id}/export.yaml", name="export_framework"
)
def export_framework(snapshot: FrameworkVersionDep) -> Response:
    text = _yaml_of(repository.framework_of(snapshot))
    filename = f"{snapshot.framework_key}-{snapshot.version}.yaml".replace('"', "")
    return Response(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@dataclass(frozen=True)
class RetirePage:
    snapshot: FrameworkSnapshot
    title: str
    assessments: int


@router.get(
    "/frameworks/{framework_id}/versions/{snapshot_id}/retire",
    name="confirm_retire_framework_version",
    dependencies=[RETIRE],
)
def confirm_retire_framework_version(
    request: Request, snapshot: FrameworkVersionDep, session: SessionDep
) -> Response:
    """Retiring cannot be undone here, so it is asked for first, even without JavaScript."""
    counts = frameworks.assessment_counts(session=session, framework_key=snapshot.framework_key)
    page = RetirePage(snapshot, snapshot.title, counts.get(snapshot.id or 0, 0))
    return templates.TemplateResponse(request, "frameworks/retire.html", {"page": page})


@router.post(
    "/frameworks/{framework_id}/versions/{snapshot_id}/retire",
    name="retire_framework_version",
    dependencies=[RETIRE],
)
def retire_framework_version(
    request: Request, snapshot: FrameworkVersionDep, session: SessionDep, audit: AuditDep
) -> Response:
    """No new assessment or upgrade can choose it; assessments that use it keep it."""
    if snapshot.retired_at is None:
        frameworks.retire(session=session, snapshot=snapshot)
        audit("retired framework version", detail=f"{snapshot.framework_key} {snapshot.version}")
    return _back_to_version(request, snapshot, "retired")


@router.get("/frameworks/{framework_id}/diff", name="show_framework_diff")
def show_framework_diff(
    request: Request,
    framework_id: str,
    session: SessionDep,
    user: OptionalUser,
    old: Annotated[int, Query(alias="from", ge=1, le=2**63 - 1)],
    new: Annotated[int, Query(alias="to", ge=1, le=2**63 - 1)],
) -> Response:
    """Criteria added, removed, reworded, moved, or answered on other levels."""
    versions = {}
    for name, snapshot_id in (("from", old), ("to", new)):
        snapshot = frameworks.snapshot_of(
            session=session, framework_key=framework_id, snapshot_id=snapshot_id
        )
        if snapshot is None:
            raise HTTPException(
                status_code=404, detail=f"{name}: this framework has no such version."
            )
        versions[name] = snapshot
    before, after = (
        repository.framework_of(versions["from"]),
        repository.framework_of(versions["to"]),
    )
    page = DiffPage(
        framework=after,
        old=versions["from"],
        new=versions["to"],
        diff=diff_frameworks(before, after),
        versions=list(frameworks.snapshots_of(session=session, framework_key=framework_id)),
    )
    return templates.TemplateResponse(request, "frameworks/diff.html", {"page": page})

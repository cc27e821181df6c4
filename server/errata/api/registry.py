"""errata's own skill registry: the ClawHub routes `install`, `inspect` and `search` call.

`clawhub install errata --registry http://HOST:PORT` resolves the skill here, downloads its
zip and unpacks it. The skill served is `skill/` (the `skill_dir` setting) as it is on disk.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request, Response

from ..security.hosts import public_base
from ..skill_archive import SkillError, SkillPackage, SkillSource
from .deps import ServicesDep

router = APIRouter(
    tags=["skill registry"], responses={404: {"description": "No such skill, version or file"}}
)

OWNER = {"handle": "errata", "displayName": "errata", "image": None}
MODERATION = {"isSuspicious": False, "isMalwareBlocked": False, "verdict": "clean"}
Slug = Annotated[str, Query(min_length=1, max_length=80)]


def _package(services: ServicesDep) -> SkillPackage:
    source = services.skill_source
    if source is None:
        source = services.skill_source = SkillSource(services.settings.skill_dir)
    try:
        package: SkillPackage = source.package()
    except (OSError, SkillError) as exc:
        raise HTTPException(status_code=503, detail=f"the skill cannot be packaged: {exc}") from exc
    return package


def _skill(services: ServicesDep, slug: str) -> SkillPackage:
    package = _package(services)
    if slug != package.slug:
        raise HTTPException(status_code=404, detail=f"this registry has no skill {slug!r}")
    return package


def _version(package: SkillPackage, version: str | None) -> None:
    if version not in (None, "", "latest", package.version):
        raise HTTPException(
            status_code=404,
            detail=f"{package.slug} has no version {version!r}; latest is {package.version}",
        )


def _summary(package: SkillPackage) -> dict[str, Any]:
    return {
        "slug": package.slug,
        "displayName": package.slug,
        "summary": package.description,
        "description": package.description,
        "topics": ["errors", "debugging"],
        "tags": {"latest": package.version},
        "stats": {"downloads": 0, "stars": 0, "versions": 1},
        "createdAt": package.updated_ms,
        "updatedAt": package.updated_ms,
    }


def _latest(package: SkillPackage) -> dict[str, Any]:
    return {
        "version": package.version,
        "createdAt": package.updated_ms,
        "changelog": f"errata's skill as served by this errata (sha256 {package.fingerprint})",
        "license": None,
    }


@router.get("/.well-known/clawhub.json")
@router.get("/.well-known/clawdhub.json", include_in_schema=False)
def well_known(request: Request, services: ServicesDep) -> dict[str, str]:
    """Where ClawHub clients find this registry's API."""
    return {"apiBase": public_base(request, services.settings), "minCliVersion": "0.23.0"}


@router.get("/api/v1/skills")
def list_skills(
    services: ServicesDep,
    prefix: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
) -> dict[str, Any]:
    """The skills of this registry (only errata's own)."""
    package = _package(services)
    items = [{**_summary(package), "latestVersion": _latest(package)}]
    return {"items": [i for i in items if i["slug"].startswith(prefix)][:limit], "nextCursor": None}


@router.get("/api/v1/skills/{slug}")
def get_skill(slug: str, services: ServicesDep) -> dict[str, Any]:
    """A skill, its latest version, owner and moderation state."""
    package = _skill(services, slug)
    return {
        "skill": _summary(package),
        "latestVersion": _latest(package),
        "metadata": {"setup": [{"key": "ERRATA_URL", "required": False}], "os": None},
        "owner": OWNER,
        "moderation": MODERATION,
    }


@router.get("/api/v1/skills/{slug}/versions")
def list_versions(slug: str, services: ServicesDep) -> dict[str, Any]:
    """The version history (one version: the skill as it is now)."""
    package = _skill(services, slug)
    return {"items": [{**_latest(package), "changelogSource": "auto"}], "nextCursor": None}


@router.get("/api/v1/skills/{slug}/versions/{version}")
def get_version(slug: str, version: str, services: ServicesDep) -> dict[str, Any]:
    """One version with its files, their sizes and sha256 hashes."""
    package = _skill(services, slug)
    _version(package, version)
    detail = {
        **_latest(package),
        "changelogSource": "auto",
        "files": [f.describe() for f in package.files],
        "fingerprint": package.fingerprint,
        "archiveSha256": package.archive_sha256,
    }
    return {"version": detail, "skill": {"slug": package.slug, "displayName": package.slug}}


@router.get("/api/v1/skills/{slug}/file")
def get_file(
    slug: str,
    services: ServicesDep,
    path: Annotated[str, Query(min_length=1, max_length=300)],
    version: str | None = None,
) -> Response:
    """One file of the skill, raw."""
    package = _skill(services, slug)
    _version(package, version)
    found = package.file(path)
    if found is None:
        raise HTTPException(status_code=404, detail=f"{slug} has no file {path!r}")
    return Response(found.data, media_type=f"{found.content_type}; charset=utf-8")


@router.get("/api/v1/skills/{slug}/install")
def resolve_install(slug: str, request: Request, services: ServicesDep) -> dict[str, Any]:
    """How to install the latest version: an archive to download."""
    package = _skill(services, slug)
    base = public_base(request, services.settings)
    url = f"{base}/api/v1/download?{urlencode({'slug': slug, 'version': package.version})}"
    archive = {"version": package.version, "downloadUrl": url}
    return {"ok": True, "slug": slug, "installKind": "archive", "archive": archive}


@router.get("/api/v1/resolve")
def resolve(
    services: ServicesDep,
    slug: Slug,
    fingerprint: Annotated[str, Query(alias="hash", max_length=128)] = "",
) -> dict[str, Any]:
    """Which version a local copy is, by its fingerprint (`clawhub update`)."""
    package = _skill(services, slug)
    match = {"version": package.version} if fingerprint == package.fingerprint else None
    return {"match": match, "latestVersion": {"version": package.version}}


@router.get("/api/v1/download")
def download(services: ServicesDep, slug: Slug, version: str | None = None) -> Response:
    """The skill as a zip archive; `ETag` and `X-Content-SHA256` carry its hashes."""
    package = _skill(services, slug)
    _version(package, version)
    headers = {
        "Content-Disposition": f'attachment; filename="{package.slug}-{package.version}.zip"',
        "ETag": f'"{package.archive_sha256}"',
        "X-Content-SHA256": package.archive_sha256,
        "X-Skill-Fingerprint": package.fingerprint,
    }
    return Response(package.archive, media_type="application/zip", headers=headers)


@router.get("/api/v1/search")
def search_skills(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
) -> dict[str, Any]:
    """Skills whose name or description holds the query's words, best first."""
    package = _package(services)
    words = q.lower().split()
    text = f"{package.slug} {package.description}".lower()
    score = sum(word in text for word in words) / max(len(words), 1)
    results = []
    if score > 0:
        results.append(
            {
                "slug": package.slug,
                "displayName": package.slug,
                "summary": package.description,
                "version": package.version,
                "score": round(score, 3),
                "updatedAt": package.updated_ms,
                "owner": {"handle": OWNER["handle"], "displayName": OWNER["displayName"]},
            }
        )
    return {"results": results[:limit]}

"""What the MCP tools do: the bodies behind the signatures in `tools.py`.

Imported on a tool's first call, not when the server starts: this module pulls in the search
engine, the store and the contribution life cycle (see `tools.py` for why that matters).
"""

from __future__ import annotations

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from .. import store
from ..answers import as_text, brief_answer, full_answer
from ..contributions import lifecycle
from ..contributions.public import SubmissionReceipt
from ..contributions.submission import SubmissionIn, SubmissionInvalid
from ..outcomes import OutcomeIn, UnknownTargetError, record_outcome
from ..public import EntryPublic, OutcomePublic, SearchResponse
from ..rate_limits import RateLimited
from ..schema.vocab import Detail, Format, Outcome
from ..search import SearchInputError, SearchUnavailable
from ..search.admission import SearchRefused
from ..services import Services
from ..writer_keys import KeyRefused, writer_client_key
from .budget import fit_brief, fit_budget
from .markdown import entry_markdown
from .results import (
    EntryResult,
    SearchErrorsResult,
    SearchHit,
    full_from,
    provenance,
    select_fixes,
    verification_result,
)


def _search(
    services: Services, query: str, limit: int, language: str | None, client: str
) -> SearchResponse:
    try:
        return services.search(query, limit=limit, language=language, client=client)
    except SearchRefused as exc:
        raise ToolError(f"{exc}; retry after {exc.retry_after_header} s") from exc
    except (SearchInputError, SearchUnavailable) as exc:
        raise ToolError(str(exc)) from exc


def _entry(services: Services, entry_id: str) -> EntryPublic:
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise ToolError(f"no entry with id {entry_id!r}; search_errors finds entries by symptom")
    return entry


def _hint(entry_id: str | None = None) -> str:
    if entry_id:
        return f"call get_entry with a larger max_chars or read errata://entries/{entry_id}"
    return "call get_entry with the result's id for the whole entry"


def _text(answer: BaseModel, fmt: Format) -> CallToolResult:
    """One text block (compact JSON or Markdown): the data goes out once."""
    return CallToolResult(content=[TextContent(type="text", text=as_text(answer, fmt))])


def _reader_key(ctx: Context | None) -> str:
    """The rate-limit key of a searching caller: its address over HTTP; stdio is the local user."""
    request = getattr(ctx.request_context, "request", None) if ctx is not None else None
    if request is None:
        return "mcp-stdio"
    from .. import security  # over HTTP only: stdio (`errata mcp`) never loads FastAPI

    return security.client_key(request)


def _client_key(services: Services, ctx: Context | None) -> str:
    """The client key of a writing tool's caller: its API key's or its address over HTTP
    (ToolError for a bad key, or none when writes need one); stdio is the local user."""
    request = getattr(ctx.request_context, "request", None) if ctx is not None else None
    if request is None:
        return "mcp-stdio"
    from .. import security  # over HTTP only: stdio never loads FastAPI
    from ..security.writers import presented_key

    try:
        return writer_client_key(services, presented_key(request), security.client_key(request))
    except KeyRefused as exc:
        raise ToolError(str(exc)) from exc


def search_errors(
    services: Services,
    ctx: Context | None,
    query: str,
    limit: int,
    language: str | None,
    detail: Detail,
    format: Format,
    max_chars: int,
) -> CallToolResult:
    """The tool `search_errors`: a brief answer, or every result with all its fixes."""
    response = _search(services, query, limit, language, _reader_key(ctx))
    if detail == "brief":
        return _text(fit_brief(brief_answer(response, query), max_chars), format)
    answer = full_answer(response, query)
    hits = [
        SearchHit(**r.model_dump(), provenance=provenance(r.origin, r.shown))
        for r in answer.results
    ]
    result = SearchErrorsResult(
        status=answer.status,
        query_normalized=answer.query_normalized,
        trace_language=answer.trace_language,
        differential=answer.differential,
        results=hits,
        next_step=answer.next_step,
    )
    fitted = fit_budget(result, max_chars, hint=_hint(), drop_from="results")
    return _text(fitted if format == "json" else full_from(fitted, answer), format)


def get_entry(
    services: Services, entry_id: str, fix_id: str | None, include_checks: bool, max_chars: int
) -> CallToolResult:
    """The tool `get_entry`: one entry (or one of its fixes) cut to the budget."""
    entry = select_fixes(_entry(services, entry_id), fix_id, include_checks)
    result = EntryResult(entry=entry, provenance=provenance(entry.origin, entry.shown))
    return _text(fit_budget(result, max_chars, hint=_hint(entry_id)), "json")


def report_outcome(
    services: Services,
    ctx: Context | None,
    entry_id: str,
    fix_id: str,
    outcome: Outcome,
    details: str | None,
    environment: str | None,
) -> OutcomePublic:
    """The tool `report_outcome`: count whether a fix worked."""
    try:
        report = OutcomeIn(fix_id=fix_id, outcome=outcome, details=details, environment=environment)
        client_key = _client_key(services, ctx)
        return record_outcome(services, entry_id, report, client_key=client_key)
    except (UnknownTargetError, RateLimited, ValueError) as exc:
        raise ToolError(str(exc)) from exc


def verification_status(services: Services, entry_id: str, max_chars: int) -> CallToolResult:
    """The tool `verification_status`: each snippet's latest record."""
    result = verification_result(services, _entry(services, entry_id))
    return _text(fit_budget(result, max_chars, hint=_hint(entry_id)), "json")


def submit_entry(
    services: Services, submission: SubmissionIn, ctx: Context | None
) -> SubmissionReceipt:
    """The tool `submit_entry`: queue a contribution for verification and review."""
    try:
        return lifecycle.submit(services, submission, client_key=_client_key(services, ctx))
    except SubmissionInvalid as exc:
        raise ToolError(f"invalid submission: {exc}") from exc
    except RateLimited as exc:
        raise ToolError(str(exc)) from exc


def entry_markdown_of(services: Services, entry_id: str) -> str:
    """The resource `errata://entries/{id}`: the entry as Markdown."""
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise ResourceNotFoundError(f"no entry with id {entry_id!r}")
    return entry_markdown(entry)

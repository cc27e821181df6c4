"""The MCP tools: search, read, report an outcome, verification status, contribute."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from .. import store
from ..answers import Detail, Format, as_text, brief_answer, full_answer
from ..contributions import lifecycle
from ..contributions.submission import SubmissionIn, SubmissionInvalid
from ..models import Outcome
from ..outcomes import (
    MAX_DETAILS_CHARS,
    MAX_ENVIRONMENT_CHARS,
    OutcomeIn,
    UnknownTargetError,
    record_outcome,
)
from ..public import EntryPublic, OutcomePublic, SearchResponse, SubmissionReceipt
from ..rate_limits import RateLimited
from ..search import SearchInputError, SearchUnavailable
from ..search.admission import SearchRefused
from ..services import Services
from ..writer_keys import KeyRefused, writer_client_key
from .budget import DEFAULT_MAX_CHARS, MAX_MAX_CHARS, MIN_MAX_CHARS, fit_brief, fit_budget
from .results import (
    EntryResult,
    SearchErrorsResult,
    SearchHit,
    full_from,
    provenance,
    select_fixes,
    verification_result,
)

READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
REPORT = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)

EntryId = Annotated[str, Field(min_length=1, max_length=80, description="An entry id (a slug).")]
MaxChars = Annotated[
    int,
    Field(
        ge=MIN_MAX_CHARS,
        le=MAX_MAX_CHARS,
        description="Size budget of the result's JSON; longer fields are cut with a marker.",
    ),
]


DetailArg = Annotated[
    Detail, Field(description="brief: one recommended fix; full: every fix of every result.")
]
FormatArg = Annotated[Format, Field(description="The text block: compact JSON or Markdown.")]


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
    _ready(services)
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise ToolError(f"no entry with id {entry_id!r}; search_errors finds entries by symptom")
    return entry


def _ready(services: Services) -> None:
    try:
        services.wait_until_ready()
    except SearchUnavailable as exc:
        raise ToolError(str(exc)) from exc


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


def register_tools(mcp: MCPServer, services: Services) -> None:
    @mcp.tool(annotations=READ_ONLY)
    def search_errors(
        ctx: Context,
        query: Annotated[str, Field(description="The raw error, trace, log lines or symptom.")],
        limit: Annotated[int, Field(ge=1, le=10, description="How many matches at most.")] = 3,
        language: Annotated[
            str | None, Field(max_length=40, description="Only entries for this language.")
        ] = None,
        detail: DetailArg = "brief",
        format: FormatArg = "json",
        max_chars: MaxChars = DEFAULT_MAX_CHARS,
    ) -> CallToolResult:
        """Find errata entries matching an error: paste the raw trace, log or symptom as it is.

        brief (default): for a confident match, its root cause and one recommended fix with
        code; other results in one line. full: every result with all its fixes.
        `status` is `no_match` when nothing in errata covers the error.
        """
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

    @mcp.tool(annotations=READ_ONLY)
    def get_entry(
        id: EntryId,
        fix_id: Annotated[
            str | None, Field(max_length=80, description="Only this fix of the entry.")
        ] = None,
        include_checks: Annotated[
            bool, Field(description="Include the harness's check code of each snippet.")
        ] = False,
        max_chars: MaxChars = DEFAULT_MAX_CHARS,
    ) -> CallToolResult:
        """Read one errata entry: symptoms, root cause, every fix (or the one `fix_id`) with
        its code and the verification record of each snippet."""
        entry = select_fixes(_entry(services, id), fix_id, include_checks)
        result = EntryResult(entry=entry, provenance=provenance(entry.origin, entry.shown))
        return _text(fit_budget(result, max_chars, hint=_hint(id)), "json")

    @mcp.tool(annotations=REPORT)
    def report_outcome(
        ctx: Context,
        entry_id: EntryId,
        fix_id: Annotated[str, Field(min_length=1, max_length=80, description="The fix's id.")],
        outcome: Outcome,
        details: Annotated[str | None, Field(max_length=MAX_DETAILS_CHARS)] = None,
        environment: Annotated[str | None, Field(max_length=MAX_ENVIRONMENT_CHARS)] = None,
    ) -> OutcomePublic:
        """Tell errata whether a fix worked for you: outcome is worked, worked_with_changes
        or did_not_work. Reports are counted on the fix and improve search ranking."""
        _ready(services)
        try:
            report = OutcomeIn(
                fix_id=fix_id, outcome=outcome, details=details, environment=environment
            )
            client_key = _client_key(services, ctx)
            return record_outcome(services, entry_id, report, client_key=client_key)
        except (UnknownTargetError, RateLimited, ValueError) as exc:
            raise ToolError(str(exc)) from exc

    @mcp.tool(annotations=READ_ONLY)
    def verification_status(
        entry_id: EntryId, max_chars: MaxChars = DEFAULT_MAX_CHARS
    ) -> CallToolResult:
        """How an entry's fix snippets fared in errata's sandboxed harness: each snippet's latest
        run (passed, ran_without_error, failed, timeout, error or unverified), what it showed
        in words (`shown`), its error and measured figures."""
        result = verification_result(services, _entry(services, entry_id))
        return _text(fit_budget(result, max_chars, hint=_hint(entry_id)), "json")

    @mcp.tool(annotations=REPORT)
    def submit_entry(submission: SubmissionIn, ctx: Context) -> SubmissionReceipt:
        """Contribute an entry: title, symptoms, root cause, fixes (each with code and an optional
        check script), languages, tags, environment, source. Its code runs in errata's sandbox,
        then a maintainer reviews it; follow it at the returned status_url."""
        _ready(services)
        try:
            return lifecycle.submit(services, submission, client_key=_client_key(services, ctx))
        except SubmissionInvalid as exc:
            raise ToolError(f"invalid submission: {exc}") from exc
        except RateLimited as exc:
            raise ToolError(str(exc)) from exc

"""The MCP tools: search, read, report an outcome, verification status, contribute.

A tool's name, docstring and type hints are what a client lists, so they are built from light
modules only (`schema`, `public`, `contributions.submission`, `budget`'s limits): a client
starting `errata mcp` gets `tools/list` before the database layer, the search engine or numpy
are imported. Each body calls `handlers`, imported on the first call, with `services()`, which
waits (with a deadline) for a load still finishing in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from ..contributions.public import SubmissionReceipt
from ..contributions.submission import SubmissionIn
from ..public import OutcomePublic
from ..schema.vocab import MAX_DETAILS_CHARS, MAX_ENVIRONMENT_CHARS, Detail, Format, Outcome
from .budget import DEFAULT_MAX_CHARS, MAX_MAX_CHARS, MIN_MAX_CHARS

if TYPE_CHECKING:
    from ..services import Services

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


def register_tools(mcp: MCPServer, services: Callable[[], Services]) -> None:
    """Every tool, each calling `handlers` with `services()` (which waits for a load)."""

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
        from . import handlers

        args = (query, limit, language, detail, format, max_chars)
        return handlers.search_errors(services(), ctx, *args)

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
        from . import handlers

        return handlers.get_entry(services(), id, fix_id, include_checks, max_chars)

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
        from . import handlers

        args = (entry_id, fix_id, outcome, details, environment)
        return handlers.report_outcome(services(), ctx, *args)

    @mcp.tool(annotations=READ_ONLY)
    def verification_status(
        entry_id: EntryId, max_chars: MaxChars = DEFAULT_MAX_CHARS
    ) -> CallToolResult:
        """How an entry's fix snippets fared in errata's sandboxed harness: each snippet's latest
        run (passed, ran_without_error, failed, timeout, error or unverified), what it showed
        in words (`shown`), its error and measured figures."""
        from . import handlers

        return handlers.verification_status(services(), entry_id, max_chars)

    @mcp.tool(annotations=REPORT)
    def submit_entry(submission: SubmissionIn, ctx: Context) -> SubmissionReceipt:
        """Contribute an entry: title, symptoms, root cause, fixes (each with code and an optional
        check script), languages, tags, environment, source. Its code runs in errata's sandbox,
        then a maintainer reviews it; follow it at the returned status_url."""
        from . import handlers

        return handlers.submit_entry(services(), submission, ctx)

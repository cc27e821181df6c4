"""Put the ORM work in one plain sync function that evaluates every QuerySet inside it, and
await it through sync_to_async (Channels: database_sync_to_async): the queries run in a worker
thread, where Django allows them, and the event loop keeps serving."""

from asgiref.sync import sync_to_async
from django.http import JsonResponse

# WRONG: the sync ORM inside async code raises
#     django.core.exceptions.SynchronousOnlyOperation: You cannot call this from an async
#     context - use a thread or sync_to_async.
# Also WRONG, half wrapped: `qs = await sync_to_async(Article.objects.filter)(author=author)`
# returns a lazy QuerySet; the SELECT then runs in async code at `list(qs)` and fails the same way.
# And DJANGO_ALLOW_ASYNC_UNSAFE=true in a server only hides the error: the query then blocks the
# event loop and can share a connection across coroutines. Keep it, if at all, to a notebook.

# `Article` is the app's model.


def author_summary(author) -> dict:
    """All ORM access in one sync function; the loop evaluates the QuerySet here, in the thread."""
    articles = Article.objects.filter(author=author).order_by("id")
    return {"count": articles.count(), "titles": [article.title for article in articles]}


async def author_summary_view(request, author):
    # thread_sensitive=True (the default) runs it in the thread Django's connections belong to
    summary = await sync_to_async(author_summary)(author)
    return JsonResponse(summary)


# Channels consumer: the same function through channels.db.database_sync_to_async, which also
# closes stale connections around the call:
#     summary = await database_sync_to_async(author_summary)(author)
# Jupyter / IPython (a loop always runs there): `await sync_to_async(author_summary)("ada")` in
# a cell, or run the ORM code as a script or manage.py command outside any loop.

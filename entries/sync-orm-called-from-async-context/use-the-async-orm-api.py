"""Django 4.1+: in async code call the ORM's async API (aget, acreate, acount, async for), never
the sync methods, which raise SynchronousOnlyOperation when an event loop runs in the thread."""

from django.http import JsonResponse

# WRONG: the sync ORM inside an async view, Channels consumer, asyncio task or async test.
#     async def author_page(request, author):
#         first = Article.objects.get(pk=1)                   # .get(), .save(), .create()...
#         titles = [a.title for a in Article.objects.filter(author=author)]  # iterating a QuerySet
#         -> django.core.exceptions.SynchronousOnlyOperation: You cannot call this from an
#            async context - use a thread or sync_to_async.
# filter() and order_by() only build the query; what runs SQL is get, create, save, delete,
# count, exists, first, list(), len(), a for loop, repr() in a log line and request.user /
# request.session in async middleware: each has an a-prefixed or async form.

# `Article` is the app's model.


async def author_page(request, author):
    first = await Article.objects.aget(pk=1)
    articles = Article.objects.filter(author=author).order_by("id")  # lazy: no query yet
    titles = [article.title async for article in articles]
    total = await articles.acount()
    draft = await Article.objects.acreate(author=author, title="Draft")
    # Django 5.0+: await request.auser() instead of request.user in async code
    return JsonResponse({"first": first.title, "titles": titles, "count": total, "draft": draft.id})

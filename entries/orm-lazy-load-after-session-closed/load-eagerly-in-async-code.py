"""In async SQLAlchemy nothing may load implicitly: eager-load, await the attribute, and keep
values after commit, so no attribute read has to do IO."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import selectinload

# WRONG: a plain attribute read that needs the database, in async code.
#     async with AsyncSession(engine) as session:
#         user = await session.get(User, 1)
#         user.items              # a lazy load, even with the session open
#         -> sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called; can't call
#            await_only() here. Was IO attempted in an unexpected place?
#         await session.commit()  # expire_on_commit=True expires every attribute
#         user.name               # a refresh: the same MissingGreenlet
# A Pydantic response model or serializer reading a relationship that was not loaded fails the
# same way. Django's async views: a lazy ForeignKey read raises SynchronousOnlyOperation; use
# select_related / prefetch_related in the query, or sync_to_async.

# `engine` (create_async_engine(...)) and `User` (Base = class Base(AsyncAttrs, DeclarativeBase),
# User.items a lazy relationship) are the app's own.
AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_user_with_items(user_id):
    """Eager-load in the query what the caller reads (selectinload, joinedload), or set
    lazy="selectin" / lazy="raise" on the relationship."""
    async with AsyncSessionLocal() as session:
        return await session.get(User, user_id, options=[selectinload(User.items)])


async def item_titles(user_id) -> list:
    """Load one relationship on demand with an await (the AsyncAttrs mixin)."""
    async with AsyncSessionLocal() as session:
        user = await session.get(User, user_id)
        items = await user.awaitable_attrs.items
        return [item.title for item in items]


async def rename_user(user_id, name) -> dict:
    """Commit, then read: expire_on_commit=False keeps the values, so no refresh IO."""
    async with AsyncSessionLocal() as session:
        user = await session.get(User, user_id)
        user.name = name
        await session.commit()
        return {"id": user.id, "name": user.name}

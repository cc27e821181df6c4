"""Hand callers data that needs no session: eager-load what they read, keep values after commit,
build plain dicts inside the session, and give background work an id, not the request's object."""

import threading

from sqlalchemy.orm import selectinload, sessionmaker

# WRONG: the object leaves the session that could still load its lazy parts.
#     def get_user(user_id):
#         with Session(engine) as session:
#             return session.get(User, user_id)
#     get_user(1).items
#         -> sqlalchemy.orm.exc.DetachedInstanceError: Parent instance <User at 0x7f...> is not
#            bound to a Session; lazy load operation of attribute 'items' cannot proceed
#     with Session(engine) as session:            # expire_on_commit=True, the default
#         user = session.get(User, 1); user.name = "Ada"; session.commit()
#     user.name
#         -> DetachedInstanceError: Instance <User at 0x7f...> is not bound to a Session;
#            attribute refresh operation cannot proceed
# The same happens when a response serializer (FastAPI response_model, Marshmallow, Pydantic
# from_attributes) or a background thread reads the object after the request's session closed.
# Hibernate/JPA: JOIN FETCH or an entity graph; Django: select_related / prefetch_related.

# `engine` and `User` (a mapped class whose User.items relationship is lazy) are the app's own.
# expire_on_commit=False: objects keep the values they had when commit() ran.
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def get_user_with_items(user_id):
    """Load the relationship the caller will read while the session is open (one more SELECT
    for all of them with selectinload; joinedload for a many-to-one)."""
    with SessionLocal() as session:
        return session.get(User, user_id, options=[selectinload(User.items)])


def user_as_dict(user_id) -> dict | None:
    """Or return plain data, built inside the session: nothing is left to load later."""
    with SessionLocal() as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        return {"id": user.id, "name": user.name, "items": [item.title for item in user.items]}


def rename_user(user_id, name):
    """Change and commit; the returned object stays readable (expire_on_commit=False)."""
    with SessionLocal() as session:
        user = session.get(User, user_id, options=[selectinload(User.items)])
        user.name = name
        session.commit()
        return user


def report_in_background(user_id, deliver) -> threading.Thread:
    """Background work gets the id and opens its own session, never the request's object."""

    def work() -> None:
        report = user_as_dict(user_id)
        deliver(report)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread

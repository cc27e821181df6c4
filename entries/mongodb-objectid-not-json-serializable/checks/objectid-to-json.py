"""A MongoDB document keeps its _id as a bson ObjectId: json.dumps refuses it ("Object of type
ObjectId is not JSON serializable") and FastAPI's encoder fails on it with the ValueError listing
"'ObjectId' object is not iterable". mongo_default and to_public turn every ObjectId (nested ones
too) into its string at the boundary, leave the document itself as it was, and still refuse
types they do not know. bson is not installed in the sandbox: a stand-in ObjectId behaves as
pymongo's does (12 bytes, 24-hex str(), __slots__, so no __dict__ and not iterable)."""

import binascii
import datetime
import decimal
import json
import os
import sys
import types

from errata_check import load_snippet, record


class ObjectId:
    """What bson.objectid.ObjectId does for these purposes."""

    __slots__ = ("__id",)

    def __init__(self, oid=None) -> None:
        if oid is None:
            self.__id = os.urandom(12)
        elif isinstance(oid, ObjectId):
            self.__id = oid.binary
        elif isinstance(oid, str) and ObjectId.is_valid(oid):
            self.__id = bytes.fromhex(oid)
        else:
            raise TypeError(f"id must be an instance of (bytes, str, ObjectId), not {type(oid)}")

    @classmethod
    def is_valid(cls, oid) -> bool:
        if isinstance(oid, ObjectId):
            return True
        try:
            return isinstance(oid, str) and len(bytes.fromhex(oid)) == 12
        except ValueError:
            return False

    @property
    def binary(self) -> bytes:
        return self.__id

    def __str__(self) -> str:
        return binascii.hexlify(self.__id).decode()

    def __repr__(self) -> str:
        return f"ObjectId('{self}')"

    def __eq__(self, other) -> bool:
        return isinstance(other, ObjectId) and self.__id == other.binary

    def __hash__(self) -> int:
        return hash(self.__id)


ObjectId.__module__ = "bson.objectid"
bson = types.ModuleType("bson")
bson_objectid = types.ModuleType("bson.objectid")
bson.ObjectId = bson_objectid.ObjectId = ObjectId
bson.objectid = bson_objectid
sys.modules.update({"bson": bson, "bson.objectid": bson_objectid})


def jsonable_encoder(obj):
    """What fastapi.encoders.jsonable_encoder does with a value of a type it does not know:
    dict(obj), then vars(obj), then ValueError listing both errors (FastAPI 0.6x-0.11x)."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, dict):
        return {str(k): jsonable_encoder(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable_encoder(v) for v in obj]
    errors: list[Exception] = []
    try:
        data = dict(obj)
    except Exception as e:
        errors.append(e)
        try:
            data = vars(obj)
        except Exception as e:
            errors.append(e)
            raise ValueError(errors) from e
    return jsonable_encoder(data)


def error_of(action) -> str:
    try:
        action()
    except (TypeError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


author_id, post_id = ObjectId(), ObjectId()
created = datetime.datetime(2026, 12, 7, 6, 0, tzinfo=datetime.timezone.utc)
post = {  # what find_one returns: ObjectIds at the top, inside a sub-document and in a list
    "_id": post_id,
    "title": "Framing",
    "author": {"_id": author_id, "name": "Ada"},
    "related": [ObjectId(), ObjectId()],
    "created_at": created,
}

# WRONG 1: json.dumps (also what Flask's default provider and a tool-result encoder do).
plain = error_of(lambda: json.dumps(post))
assert plain == "TypeError: Object of type ObjectId is not JSON serializable", plain

# WRONG 2: returning the document from a FastAPI route.
fastapi = error_of(lambda: jsonable_encoder([post]))
expected = (
    "ValueError: [TypeError(\"'ObjectId' object is not iterable\"), "
    "TypeError('vars() argument must have __dict__ attribute')]"
)
assert fastapi == expected, fastapi

ns = load_snippet()
mongo_default, to_public, parse_object_id = (
    ns["mongo_default"],
    ns["to_public"],
    ns["parse_object_id"],
)

# FIXED 1: json.dumps with default=: every ObjectId as its 24-hex string, the datetime ISO 8601.
dumped = json.loads(json.dumps(post, default=mongo_default))
assert dumped["_id"] == str(post_id) and len(dumped["_id"]) == 24
assert dumped["author"]["_id"] == str(author_id)
assert dumped["related"] == [str(i) for i in post["related"]]
assert dumped["created_at"] == "2026-12-07T06:00:00+00:00"

# FIXED 2: to_public: id as a string, nested ids too; FastAPI's encoder now accepts the result.
public = to_public([post, {**post, "_id": ObjectId()}])
assert public[0]["id"] == str(post_id) and "_id" not in public[0]
assert public[0]["author"] == {"_id": str(author_id), "name": "Ada"}
assert jsonable_encoder(public) == public
assert json.loads(json.dumps(public)) == public
assert to_public(post, id_field=None)["_id"] == str(post_id)

# The document itself is unchanged: it can still be written back with its ObjectIds.
assert isinstance(post["_id"], ObjectId) and isinstance(post["author"]["_id"], ObjectId)

# Unknown types are still refused, by name, instead of being stringified.
price = {"_id": ObjectId(), "price": decimal.Decimal("9.99")}
refused = error_of(lambda: json.dumps(price, default=mongo_default))
assert refused == "TypeError: Object of type Decimal is not JSON serializable", refused

# The way back: a string id from a URL becomes the same ObjectId; a bad one is a ValueError.
assert parse_object_id(public[0]["id"]) == post_id
bad = error_of(lambda: parse_object_id("not-an-id"))
assert bad == "ValueError: not an ObjectId: 'not-an-id'", bad

record(wrong=plain, fastapi=fastapi, id_length=len(dumped["_id"]), refused=refused)

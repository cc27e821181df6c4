"""Convert MongoDB documents at the JSON boundary: ObjectId is a BSON type, not a JSON one."""

import datetime
import json

from bson import ObjectId  # pymongo's bson package (Motor and MongoEngine use the same class)

# WRONG: a document from find_one / find / aggregate returned or dumped as it is:
#     doc = db.users.find_one({"email": email})     # {"_id": ObjectId("65f0..."), ...}
#     json.dumps(doc)                 # TypeError: Object of type ObjectId is not JSON serializable
#     return doc                      # FastAPI: ValueError: [TypeError("'ObjectId' object is not
#                                     #   iterable"), TypeError('vars() argument must have
#                                     #   __dict__ attribute')]
#     return jsonify(doc)             # Flask: TypeError: Object of type ObjectId is not JSON ...
#     Model(**doc).model_dump_json()  # pydantic 2 with arbitrary_types_allowed: Unable to
#                                     #   serialize unknown type: <class 'bson.objectid.ObjectId'>
# Keep ObjectIds inside the application and the database; turn them into strings where the
# data leaves as JSON (a response, a tool result for an LLM, a cache, a queue message).


def mongo_default(value):
    """json.dumps(doc, default=mongo_default): an ObjectId as its 24-hex string, datetimes as ISO
    8601; any other unknown type is still refused, with its name."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def to_public(value, id_field: str | None = "id"):
    """A JSON-ready copy of a document (or a list of them): every ObjectId, at any depth, becomes
    its string and every datetime ISO 8601; the top-level "_id" is renamed id_field (None keeps
    "_id"). The document itself is not changed, so it can still be written back."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        out = {key: to_public(item, None) for key, item in value.items()}
        if id_field and "_id" in out:
            out = {id_field: out.pop("_id"), **out}
        return out
    if isinstance(value, (list, tuple)):
        return [to_public(item, id_field) for item in value]
    return value


def parse_object_id(text: str) -> ObjectId:
    """The way back: an id from a URL or a JSON body, checked before it reaches a query."""
    if not ObjectId.is_valid(text):
        raise ValueError(f"not an ObjectId: {text!r}")  # answer 404 or 422, not 500
    return ObjectId(text)


# Where the data leaves, with the helpers above:
#   json / LLM tool results:  json.dumps(doc, default=mongo_default)  or  json.dumps(to_public(doc))
#   FastAPI:  return to_public(doc)  - or a response model whose id is a string:
#       PyObjectId = Annotated[str, BeforeValidator(str)]
#       class UserOut(BaseModel):
#           id: PyObjectId = Field(alias="_id")
#           model_config = ConfigDict(populate_by_name=True)
#   Flask 2.2+: a JSON provider that knows ObjectId, so jsonify(doc) works everywhere:
#       class MongoJSONProvider(DefaultJSONProvider):
#           def default(self, o):
#               return str(o) if isinstance(o, ObjectId) else super().default(o)
#       app.json = MongoJSONProvider(app)
#   MongoDB Extended JSON (keeps the type for a reader that parses it back):
#       bson.json_util.dumps(doc)  ->  {"_id": {"$oid": "65f0..."}, ...}

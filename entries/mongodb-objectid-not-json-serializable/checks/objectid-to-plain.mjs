// Documents straight from the driver hold ObjectId instances (and Dates): JSON.stringify copes
// (ObjectId has toJSON) but Next.js's props check refuses them, naming `.posts[0]._id`. toPlain
// gives plain data every serializer accepts: 24-hex ids (nested and in arrays too), ISO dates,
// Mongoose documents through toObject(), the input unchanged. The mongodb package is not in the
// sandbox: a stand-in ObjectId behaves as bson's (a class with _bsontype, toHexString, toJSON).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { loadSnippet, record } from "./errata_check.mjs";

class ObjectId {
  #bytes;
  constructor(hex) {
    this.#bytes = hex === undefined ? randomBytes(12) : Buffer.from(hex, "hex");
    if (this.#bytes.length !== 12) throw new TypeError("input must be a 24 character hex string");
  }
  get _bsontype() {
    return "ObjectId";
  }
  toHexString() {
    return this.#bytes.toString("hex");
  }
  toString() {
    return this.toHexString();
  }
  toJSON() {
    return this.toHexString();
  }
  equals(other) {
    return other instanceof ObjectId && other.toHexString() === this.toHexString();
  }
}

// What next/dist/lib/is-serializable-props does with getServerSideProps' props.
function isPlainObject(value) {
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.prototype.hasOwnProperty.call(proto, "isPrototypeOf");
}
function isSerializableProps(page, method, input) {
  const fail = (path, value) => {
    const type = value === null ? "null" : typeof value;
    const shown = type === "object" ? ` ("${Object.prototype.toString.call(value)}")` : "";
    throw new Error(
      `Error serializing ${path ? `\`${path}\`` : ""} returned from \`${method}\` in "${page}".\n` +
        `Reason: \`${type}\`${shown} cannot be serialized as JSON. Please only return JSON serializable data types.`,
    );
  };
  const walk = (value, path) => {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) return;
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${path}[${i}]`));
    if (isPlainObject(value)) return Object.entries(value).forEach(([k, v]) => walk(v, `${path}.${k}`));
    fail(path, value);
  };
  walk(input, "");
  return true;
}

const authorId = new ObjectId();
const postId = new ObjectId("65f0a1b2c3d4e5f6a7b8c9d0");
const created = new Date("2026-12-07T06:00:00.000Z");
const posts = [
  { _id: postId, title: "Framing", author: { _id: authorId, name: "Ada" }, related: [new ObjectId()], createdAt: created },
];

// WRONG: the driver's documents as page props.
const wrong = (() => {
  try {
    isSerializableProps("/", "getServerSideProps", { posts });
  } catch (error) {
    return error.message;
  }
})();
assert.equal(
  wrong,
  'Error serializing `.posts[0]._id` returned from `getServerSideProps` in "/".\n' +
    'Reason: `object` ("[object Object]") cannot be serialized as JSON. Please only return JSON serializable data types.',
);
// ...although JSON.stringify, and so Express's res.json, accepts them through toJSON.
assert.equal(JSON.parse(JSON.stringify(posts))[0]._id, "65f0a1b2c3d4e5f6a7b8c9d0");

const { toPlain, parseObjectId } = await loadSnippet();

// FIXED: plain data, accepted; every id a 24-hex string, the date ISO 8601.
const plain = toPlain(posts);
assert.equal(isSerializableProps("/", "getServerSideProps", { posts: plain }), true);
assert.deepEqual(plain, [
  {
    _id: "65f0a1b2c3d4e5f6a7b8c9d0",
    title: "Framing",
    author: { _id: authorId.toHexString(), name: "Ada" },
    related: [posts[0].related[0].toHexString()],
    createdAt: "2026-12-07T06:00:00.000Z",
  },
]);
assert.ok(posts[0]._id instanceof ObjectId && posts[0].createdAt instanceof Date); // input unchanged

// A Mongoose document (a class with toObject()) is converted through toObject().
class MongooseDocument {
  constructor(fields) {
    this._doc = fields;
  }
  toObject() {
    return { ...this._doc };
  }
}
const doc = new MongooseDocument({ _id: postId, title: "Framing" });
assert.deepEqual(toPlain([doc]), [{ _id: "65f0a1b2c3d4e5f6a7b8c9d0", title: "Framing" }]);

// Another class instance is refused by name instead of being passed on half-converted.
class Money {
  constructor(cents) {
    this.cents = cents;
  }
}
assert.throws(() => toPlain({ price: new Money(999) }), /toPlain: Money is not plain data/);

// The way back from a URL: the same id; a bad one is a RangeError (a 404, not a 500).
assert.ok(parseObjectId("65f0a1b2c3d4e5f6a7b8c9d0", ObjectId).equals(postId));
assert.throws(() => parseObjectId("not-an-id", ObjectId), /not an ObjectId: "not-an-id"/);

record({ wrong, plain_id: plain[0]._id, created: plain[0].createdAt });

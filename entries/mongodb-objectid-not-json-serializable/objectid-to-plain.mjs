// WRONG: documents from the MongoDB driver or Mongoose handed to a serializer that wants plain
// data:
//   export async function getServerSideProps() {
//     const posts = await db.collection("posts").find().toArray();
//     return { props: { posts } };   // SerializableError: Error serializing `.posts[0]._id`
//   }                                // ... `object` ("[object Object]") cannot be serialized as JSON
//   <PostList posts={await Post.find()} />   // "Only plain objects can be passed to Client
//                                            //  Components from Server Components"
//   SvelteKit load / devalue: "Cannot stringify arbitrary non-POJOs (data.posts[0]._id)"
// JSON.stringify and Express res.json happen to work (ObjectId has toJSON), which hides the
// problem until the data goes through a stricter serializer. Convert at that boundary.

const isObjectId = (value) =>
  (value?._bsontype === "ObjectId" || value?._bsontype === "ObjectID") && typeof value.toHexString === "function";

/** A plain, JSON-safe copy: ObjectIds as 24-hex strings, Dates as ISO 8601, Decimal128 and Long
 * as strings, Mongoose documents through toObject(); the input is not changed. */
export function toPlain(value) {
  if (value === null || typeof value !== "object") return value;
  if (isObjectId(value)) return value.toHexString();
  if (value instanceof Date) return value.toISOString();
  if (value._bsontype === "Decimal128" || value._bsontype === "Long") return value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (typeof value.toObject === "function") return toPlain(value.toObject()); // a Mongoose document
    throw new TypeError(`toPlain: ${value.constructor?.name ?? "object"} is not plain data; convert it first`);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
}

/** The way back: a string id from a URL or a form, checked before it reaches a query. */
export function parseObjectId(text, ObjectId) {
  if (typeof text !== "string" || !/^[0-9a-f]{24}$/i.test(text)) {
    throw new RangeError(`not an ObjectId: ${JSON.stringify(text)}`); // answer 404, not 500
  }
  return new ObjectId(text); // ObjectId from "mongodb" (or mongoose.Types.ObjectId)
}

// Usage:
//   return { props: { posts: toPlain(posts) } };
//   <PostList posts={toPlain(await Post.find().lean())} />   // lean(): plain objects, ids still ObjectId
//   Mongoose 7.2+: doc.toObject({ flattenObjectIds: true }) turns its ObjectIds into strings (Dates stay Dates)

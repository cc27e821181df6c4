// Code that writes to a stream another path already ended or destroyed:
// WRONG:
//   child.on("exit", () => log.end());  child.stdout.on("data", (c) => log.write(c));
//     -> output still buffered after 'exit' arrives: Error [ERR_STREAM_WRITE_AFTER_END]: write after end
//   a.pipe(dest); b.pipe(dest);          -> the first source to end ends dest for both
//   out.destroy() on an error, the producer keeps going
//     -> Error [ERR_STREAM_DESTROYED]: Cannot call write after a stream was destroyed
// RIGHT: let stream.pipeline end (or destroy) the destination when its sources are done.
import { pipeline } from "node:stream/promises";

/**
 * Copy every source into dest and end dest once, after the last source ended. On an error the
 * sources are destroyed by pipeline, dest is destroyed here (pipeline leaves it open when
 * end: false) and this rejects once: later writes see a destroyed stream and can be skipped.
 */
export async function drainInto(dest, ...sources) {
  try {
    await Promise.all(sources.map((source) => pipeline(source, dest, { end: false })));
  } catch (error) {
    for (const source of sources) source.destroy();
    dest.destroy(error);
    throw error;
  }
  await new Promise((resolve, reject) => {
    dest.once("error", reject);
    dest.end(resolve);
  });
}

/** For code that must write by hand: write only while dest is open; report what was dropped. */
export function writeIfOpen(dest, chunk, onDropped = () => {}) {
  if (dest.writableEnded || dest.destroyed) {
    onDropped(chunk);
    return false;
  }
  return dest.write(chunk);
}

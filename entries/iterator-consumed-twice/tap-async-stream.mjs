// WRONG: const stream = streamReply(prompt);                // an async generator
//        let text = ""; for await (const c of stream) text += c; logger.info(text);
//        return stream;   // the caller's for await ends at once: an empty reply, no error
// The same with Array.from(generator) twice, a Node Readable or a fetch body read twice
// ("TypeError: Body is unusable: Body has already been read").

// Pass every chunk on as it arrives; call onDone with the whole text at the end.
export async function* tap(stream, onDone) {
  const seen = [];
  for await (const chunk of stream) {
    seen.push(chunk);
    yield chunk;
  }
  onDone(seen.join(""));
}

// Two or more passes over small data: collect once, then iterate the array.
export async function materialize(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}

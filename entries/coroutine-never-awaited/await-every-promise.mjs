// Calling an async function without await starts it and moves on: the caller sees a pending
// Promise (truthy!), not the value, its errors go unhandled, and the function may finish after
// the caller reported success. Await it (or return it), and for loops use for...of with await
// or Promise.all over the mapped promises: forEach ignores the promises its callback returns.
export async function saveAll(items, save) {
  await Promise.all(items.map((item) => save(item)));
  return items.length;
}

export async function isAllowed(user, checkPermission) {
  return (await checkPermission(user)) === true;
}

// `var` is one binding for the whole function: every closure made in the loop sees its last
// value. `let` (or `const`) in a for-loop head gives each iteration a binding of its own.
export function makeTools(names) {
  const tools = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    tools.push(() => `${name} (#${i})`);
  }
  return tools;
}

// Where the loop must stay as it is (old code, setTimeout in a var loop), bind the value
// now by passing it to a factory.
export const bindNow = (fn, value) => () => fn(value);

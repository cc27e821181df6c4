// WRONG: a Node CLI printing more than its reader wants, `mytool list | head -n 3`:
//   node:events:497  throw er; // Unhandled 'error' event
//   Error: write EPIPE ... { errno: -32, code: 'EPIPE', syscall: 'write' }
// The reader closed the pipe; nothing more needs to be written. Exit quietly on EPIPE, and only
// on EPIPE: any other stdout error is still thrown.

export function exitQuietlyOnEpipe(stream = process.stdout, exit = (code) => process.exit(code)) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") exit(0);
    else throw error;
  });
}

// At the top of the CLI's entry point:
//   exitQuietlyOnEpipe();

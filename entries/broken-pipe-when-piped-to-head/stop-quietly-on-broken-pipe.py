"""A CLI whose reader stops early (| head) stops quietly too."""

import os
import sys

# WRONG: a plain print loop, piped to `head -n 3`:
#     for row in rows: print(row)
#     -> BrokenPipeError: [Errno 32] Broken pipe
#        Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>

SIGPIPE_STATUS = 128 + 13  # what a shell reports for a writer killed by SIGPIPE


def run_cli(main) -> int:
    """Run main(); if the reader of stdout went away, exit quietly (Python docs' recipe)."""
    try:
        status = main()
        sys.stdout.flush()  # raise here, inside the try, not at interpreter exit
        return status or 0
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the final flush then writes nowhere
        return SIGPIPE_STATUS


# if __name__ == "__main__":
#     sys.exit(run_cli(main))

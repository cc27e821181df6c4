"""Start worker processes with 'spawn' (or 'forkserver') so they inherit no CUDA context or connection."""

import multiprocessing

# WRONG on Linux (start method 'fork', the default before Python 3.14) once the parent has
# initialised CUDA or opened a client:
#     model = Net().cuda()                           # the parent now owns a CUDA context
#     with multiprocessing.Pool(4) as pool:          # or DataLoader(ds, num_workers=4)
#         pool.map(infer, batches)                   # RuntimeError: Cannot re-initialize CUDA
#                                                    # in forked subprocess ... 'spawn' start method
# A forked child is a copy of the parent; CUDA (and gRPC, and a TLS session) cannot be copied.

SPAWN = multiprocessing.get_context("spawn")  # or get_context("forkserver") on Linux and macOS


def map_in_fresh_processes(func, items, processes=2, initializer=None, initargs=()):
    """Run func over items in spawned workers: each is a new interpreter that imports the main
    module and creates its own CUDA context, channels and connections (in initializer, or on
    first use). func and initializer must be module-level functions (they are pickled by name),
    and the script's entry point must sit under `if __name__ == "__main__":`.

    The same for other APIs:
      torch.multiprocessing.set_start_method("spawn", force=True)    # once, under __main__
      DataLoader(ds, num_workers=4, multiprocessing_context="spawn", persistent_workers=True)
      ProcessPoolExecutor(max_workers=4, mp_context=SPAWN)
      SPAWN.Process(target=work, args=(...))
    """
    with SPAWN.Pool(processes, initializer=initializer, initargs=initargs) as pool:
        return pool.map(func, items)

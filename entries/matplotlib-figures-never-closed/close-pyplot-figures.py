"""Close every pyplot figure once it is saved: pyplot keeps each one until plt.close(fig)."""

import contextlib

import matplotlib

matplotlib.use("Agg")  # a server, bot or batch job draws off screen: no GUI window per figure

import matplotlib.pyplot as plt  # after use(): the backend is chosen before pyplot loads

# WRONG: savefig writes the image, but the figure stays registered in pyplot's figure manager
# with its axes, data and pixel buffer, so plt.get_fignums() grows by one per call:
#     fig, ax = plt.subplots()
#     ax.plot(values)
#     fig.savefig(path)            # or plt.savefig(buf, format="png") into a BytesIO
# plt.clf(), plt.cla(), `del fig` and gc.collect() do not unregister it; only plt.close(fig)
# does. Raising rcParams["figure.max_open_warning"] or filtering the RuntimeWarning hides the
# warning, not the growth.


@contextlib.contextmanager
def closing_figure(**kwargs):
    """A pyplot figure that is closed when the block ends, even if drawing or saving raises."""
    fig = plt.figure(**kwargs)
    try:
        yield fig
    finally:
        plt.close(fig)  # this figure: a bare plt.close() closes whichever figure is current


def save_chart(values, dest, **kwargs) -> None:
    """Plot `values` into `dest` (a path or a binary file object such as io.BytesIO)."""
    with closing_figure(**kwargs) as fig:
        ax = fig.add_subplot()
        ax.plot(values)
        fig.savefig(dest, format="png")

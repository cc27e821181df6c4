"""A charting job renders 200 PNGs through pyplot: without plt.close(fig) every figure stays
registered, the 21st raises matplotlib's RuntimeWarning and traced memory grows with each one;
the snippet's closing_figure keeps none open and memory flat, even when drawing raises.

What is modelled: the sandbox has no matplotlib (standard library only), so a stand-in
`matplotlib` package is put in sys.modules before the snippet loads, as the certifi check does.
It copies what matters here from matplotlib's pyplot.py and _pylab_helpers.py: pyplot.figure()
registers each new figure's manager in Gcf.figs (a dict keyed by figure number) and warns with
matplotlib's exact text when figure.max_open_warning (20) figures are already open;
only plt.close() removes one (clf() clears its axes, savefig() only draws); an Agg-drawn figure
keeps its canvas's RGBA buffer (width x height x 4 bytes) for the next draw. Memory is what
tracemalloc traces, not a process's RSS.
"""

import gc
import io
import sys
import tracemalloc
import types
import warnings
import weakref

from errata_check import load_snippet, record

WARNING = (
    "More than {n} figures have been opened. Figures created through the pyplot interface "
    "(`matplotlib.pyplot.figure`) are retained until explicitly closed and may consume too much "
    "memory. (To control this warning, see the rcParam `figure.max_open_warning`). Consider "
    "using `matplotlib.pyplot.close()`."
)  # lib/matplotlib/pyplot.py, figure()
ALIVE: list = []  # weak references to every Figure ever made


class Axes:
    def __init__(self) -> None:
        self.lines: list = []

    def plot(self, values) -> None:
        self.lines.append([float(v) for v in values])  # Line2D keeps its own copy of the data


class Figure:
    def __init__(self, figsize=(6.4, 4.8), dpi=100) -> None:
        self.size = (int(figsize[0] * dpi), int(figsize[1] * dpi))
        self.axes: list = []
        self.pixels = None  # FigureCanvasAgg keeps its renderer's buffer after a draw
        ALIVE.append(weakref.ref(self))

    def add_subplot(self) -> Axes:
        self.axes.append(Axes())
        return self.axes[-1]

    subplots = add_subplot

    def clf(self) -> None:
        self.axes.clear()

    def savefig(self, dest, format="png") -> None:
        self.pixels = bytearray(self.size[0] * self.size[1] * 4)
        data = b"\x89PNG\r\n\x1a\n" + repr(self.axes and self.axes[0].lines).encode()
        if hasattr(dest, "write"):
            dest.write(data)
        else:
            with open(dest, "wb") as file:
                file.write(data)


figs: dict = {}  # _pylab_helpers.Gcf.figs: figure number -> figure (its manager, really)
rcParams = {"figure.max_open_warning": 20}


def figure(num=None, figsize=(6.4, 4.8), dpi=100) -> Figure:
    allnums = sorted(figs)
    num = num if num is not None else max(allnums, default=0) + 1
    if num not in figs:
        if len(allnums) == rcParams["figure.max_open_warning"] >= 1:
            warnings.warn(WARNING.format(n=len(allnums)), RuntimeWarning, stacklevel=2)
        figs[num] = Figure(figsize, dpi)
        figs[num].number = num
    figs[num] = figs.pop(num)  # the active figure is the last one
    return figs[num]


def subplots(**kwargs):
    fig = figure(**kwargs)
    return fig, fig.add_subplot()


def gcf() -> Figure:
    return figs[list(figs)[-1]] if figs else figure()


def close(fig=None) -> None:
    if fig == "all":
        figs.clear()
    elif fig is None or isinstance(fig, Figure):
        target = fig or (gcf() if figs else None)
        for num in [n for n, f in figs.items() if f is target]:
            del figs[num]
    else:
        figs.pop(fig, None)


pyplot = types.ModuleType("matplotlib.pyplot")
for name in ("figure", "subplots", "gcf", "close", "rcParams"):
    setattr(pyplot, name, globals()[name])
pyplot.get_fignums = lambda: sorted(figs)
pyplot.savefig = lambda *a, **k: gcf().savefig(*a, **k)
pyplot.clf = lambda: gcf().clf()
matplotlib = types.ModuleType("matplotlib")
matplotlib.backend = "unset"
matplotlib.use = lambda name: setattr(matplotlib, "backend", name)
matplotlib.pyplot = pyplot
sys.modules.update({"matplotlib": matplotlib, "matplotlib.pyplot": pyplot})

RENDERS, SIZE = 200, dict(figsize=(4, 3), dpi=50)  # a 200 x 150 px chart per request
VALUES = list(range(50))


def run(render) -> tuple[float, float, list[str]]:
    """Traced MiB after 20 renders and after all of them, and the warnings raised."""
    tracemalloc.start()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(RENDERS):
            render(io.BytesIO())
            if i == 19:
                early = tracemalloc.get_traced_memory()[0] / 2**20
    late = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    return early, late, [f"{w.category.__name__}: {w.message}" for w in caught]


def wrong(buf) -> None:
    """The reader's handler: subplots, plot, savefig into a buffer, and no close."""
    fig, ax = pyplot.subplots(**SIZE)
    ax.plot(VALUES)
    fig.savefig(buf, format="png")


w_early, w_late, w_warnings = run(wrong)
assert len(pyplot.get_fignums()) == RENDERS, len(pyplot.get_fignums())
assert w_warnings == ["RuntimeWarning: " + WARNING.format(n=20)], w_warnings
assert w_late > 5 * w_early, (w_early, w_late)

# Neither clf() nor dropping every reference and collecting frees a registered figure.
pyplot.clf()
gc.collect()
still_alive = sum(ref() is not None for ref in ALIVE)
assert still_alive == RENDERS, still_alive
pyplot.close("all")
gc.collect()
assert sum(ref() is not None for ref in ALIVE) == 0

ns = load_snippet()
assert matplotlib.backend == "Agg"
r_early, r_late, r_warnings = run(lambda buf: ns["save_chart"](VALUES, buf, **SIZE))
assert pyplot.get_fignums() == [] and r_warnings == [], (pyplot.get_fignums(), r_warnings)
assert r_late < 1.5 * r_early + 0.05 and r_late < w_late / 10, (r_early, r_late, w_late)

out = io.BytesIO()
ns["save_chart"]([1, 2, 3], out)
assert out.getvalue().startswith(b"\x89PNG") and b"[1.0, 2.0, 3.0]" in out.getvalue()
closed_buffer = io.BytesIO()
closed_buffer.close()
raised = []
try:
    ns["save_chart"]([1, 2, 3], closed_buffer)
except ValueError as error:
    raised.append(str(error))
assert raised == ["I/O operation on closed file."], raised
assert pyplot.get_fignums() == [], "a figure whose saving raised was left open"

record(
    renders=RENDERS,
    unclosed_figures_open=RENDERS,
    unclosed_mib_after_20=round(w_early, 2),
    unclosed_mib_after_200=round(w_late, 2),
    closed_figures_open=0,
    closed_mib_after_20=round(r_early, 2),
    closed_mib_after_200=round(r_late, 2),
    figures_kept_after_clf_and_gc=still_alive,
    warnings=w_warnings,
)

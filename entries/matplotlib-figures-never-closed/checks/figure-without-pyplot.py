"""A chart endpoint serves 200 requests: through pyplot every figure stays registered and alive
(the 21st raises matplotlib's RuntimeWarning, traced memory grows with each request); the
snippet's render_png builds a matplotlib.figure.Figure that pyplot never sees, so no figure is
registered, none outlives its request and memory stays flat.

What is modelled: the sandbox has no matplotlib (standard library only), so a stand-in
`matplotlib` package (matplotlib.pyplot, matplotlib.figure) is put in sys.modules before the
snippet loads, as the certifi check does. It copies what matters here from matplotlib's
pyplot.py and _pylab_helpers.py: pyplot.figure() registers each new figure in Gcf.figs and warns
with matplotlib's exact text when figure.max_open_warning (20) figures are already open, and
only plt.close() removes one; Figure() alone registers nothing (matplotlib 3.1+); an Agg-drawn
figure keeps its canvas's RGBA buffer (width x height x 4 bytes). Memory is what tracemalloc
traces, not a process's RSS.
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
figure_module = types.ModuleType("matplotlib.figure")
figure_module.Figure = Figure
matplotlib.figure = figure_module
sys.modules.update(
    {"matplotlib": matplotlib, "matplotlib.pyplot": pyplot, "matplotlib.figure": figure_module}
)

REQUESTS, SIZE = 200, dict(figsize=(4, 3), dpi=50)  # a 200 x 150 px chart per request
VALUES = list(range(50))


def serve(handler) -> tuple[float, float, list[str]]:
    """Traced MiB after 20 requests and after all of them, and the warnings raised."""
    tracemalloc.start()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(REQUESTS):
            assert handler().startswith(b"\x89PNG")
            if i == 19:
                early = tracemalloc.get_traced_memory()[0] / 2**20
    gc.collect()
    late = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    return early, late, [f"{w.category.__name__}: {w.message}" for w in caught]


def pyplot_handler() -> bytes:
    """WRONG: the reader's endpoint as first written, with pyplot and no close."""
    pyplot.figure(**SIZE)
    pyplot.gcf().add_subplot().plot(VALUES)
    buf = io.BytesIO()
    pyplot.savefig(buf, format="png")
    return buf.getvalue()


w_early, w_late, w_warnings = serve(pyplot_handler)
w_alive = sum(ref() is not None for ref in ALIVE)
assert len(pyplot.get_fignums()) == REQUESTS and w_alive == REQUESTS, w_alive
assert w_warnings == ["RuntimeWarning: " + WARNING.format(n=20)], w_warnings
assert w_late > 5 * w_early, (w_early, w_late)
pyplot.close("all")
ALIVE.clear()

ns = load_snippet()
r_early, r_late, r_warnings = serve(lambda: ns["render_png"](lambda ax: ax.plot(VALUES), **SIZE))
gc.collect()
r_alive = sum(ref() is not None for ref in ALIVE)
assert len(ALIVE) == REQUESTS and r_alive == 0, (len(ALIVE), r_alive)
assert pyplot.get_fignums() == [] and r_warnings == [], (pyplot.get_fignums(), r_warnings)
assert r_late < 1.5 * r_early + 0.05 and r_late < w_late / 10, (r_early, r_late, w_late)
png = ns["render_png"](lambda ax: ax.plot([1, 2, 3]))
assert png.startswith(b"\x89PNG") and b"[1.0, 2.0, 3.0]" in png, png

record(
    requests=REQUESTS,
    pyplot_figures_open=REQUESTS,
    pyplot_mib_after_20=round(w_early, 2),
    pyplot_mib_after_200=round(w_late, 2),
    figure_class_figures_alive=r_alive,
    figure_class_mib_after_20=round(r_early, 2),
    figure_class_mib_after_200=round(r_late, 2),
    warnings=w_warnings,
)

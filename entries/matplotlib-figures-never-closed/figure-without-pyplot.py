"""In a web server or chat bot, draw with matplotlib.figure.Figure and never touch pyplot."""

import io

from matplotlib.figure import Figure

# A Figure built directly (matplotlib 3.1+) is never registered with pyplot, so nothing keeps it
# after the request: it is freed like any other object, with no plt.close() to forget, and it
# needs no GUI backend or main thread. Libraries that draw on pyplot's current figure (seaborn's
# axes-level functions, pandas' DataFrame.plot) take ax=: hand them the Axes of this Figure.


def render_png(draw, *, figsize=(6.4, 4.8), dpi=100) -> bytes:
    """PNG bytes of a chart: `draw(ax)` plots on a fresh Axes of a Figure pyplot never sees."""
    fig = Figure(figsize=figsize, dpi=dpi)
    ax = fig.subplots()
    draw(ax)  # e.g. lambda ax: ax.plot(values), or lambda ax: sns.barplot(data=df, ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

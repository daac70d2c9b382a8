"""LazyFigureVisualizer: MMEngine's ``Visualizer`` whose matplotlib figure is made when something first draws.

MMEngine's ``Visualizer`` makes a matplotlib figure in its constructor (importing matplotlib's figure and
axes: ~0.4 s of every run's start-up and ~30 MB). srbench's runs only log scalars through it (MMEngine's
``LoggerHook`` -> ``add_scalars`` -> the vis backends), so :class:`~srbench.engine.runner.SRRunner` builds
this subclass wherever a config asks for the plain ``Visualizer``: the figure, its canvas and axes (and the
dpi) are made on first use, by the same MMEngine code, so drawing works as before.
"""
from __future__ import annotations

from mmengine.visualization import Visualizer

_DEFERRED = ('fig_save_canvas', 'fig_save', 'ax_save', 'dpi')


class _NoFigureYet:
    """What the constructor sees instead of the figure (it only asks for the dpi)."""

    @staticmethod
    def get_dpi():
        return None


class LazyFigureVisualizer(Visualizer):
    """:class:`mmengine.visualization.Visualizer` with the saving figure made on first use (same
    arguments)."""

    def __init__(self, name='visualizer', image=None, **kwargs):
        self.__dict__['_defer_figure'] = image is None       # an image to show needs the figure now
        try:
            super().__init__(name=name, image=image, **kwargs)
        finally:
            defer = self.__dict__.pop('_defer_figure')
        if defer:
            for attr in _DEFERRED:
                self.__dict__.pop(attr, None)

    def _initialize_fig(self, fig_cfg) -> tuple:
        if self.__dict__.get('_defer_figure'):
            return None, _NoFigureYet(), None
        return super()._initialize_fig(fig_cfg)

    def __getattr__(self, name):
        if name in _DEFERRED and name not in self.__dict__ and 'fig_save_cfg' in self.__dict__:
            canvas, fig, ax = super()._initialize_fig(self.fig_save_cfg)
            self.fig_save_canvas, self.fig_save, self.ax_save = canvas, fig, ax
            self.dpi = fig.get_dpi()
            return self.__dict__[name]
        raise AttributeError(f'{type(self).__name__!r} object has no attribute {name!r}')

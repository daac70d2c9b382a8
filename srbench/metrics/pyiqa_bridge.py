"""PyIQA: any metric of the optional ``pyiqa`` package (full- or no-reference) as an srbench metric.

``dict(type='PyIQA', metric='lpips')``. pyiqa is imported when such a metric is built, never when
srbench is imported; without it the build fails with one line saying how to install it.

What the metric sees: SR clipped and rounded to uint8 under the protocol (``matlab``: half away from
zero; ``basicsr``: half to even), the border cropped (``crop_border``, default the scale), as a
float tensor ``N×C×H×W`` in [0, 1] (single-channel data repeated to 3 channels for metrics
without a Y mode). ``channel='y'`` uses pyiqa's own Y (``test_y_channel=True`` with
``color_space='ycbcr'`` where the metric has that option: BT.601 in float, not rounded -- close
to, but not, MATLAB's rounded Y; srbench's PSNR/SSIM are the MATLAB-exact ones).
``channel=None`` picks ``'y'`` for metrics with a Y mode and ``'rgb'`` otherwise.

Weights: ``weights='path/to/file.pth'`` (metrics with ``pretrained_model_path``) or pyiqa's and
torch's caches (``$TORCH_HOME/hub/checkpoints``, ``$TORCH_HOME/hub/pyiqa``). A file that is not
there and cannot be downloaded (offline; with ``HF_HUB_OFFLINE=1`` or ``SRBENCH_OFFLINE=1`` srbench
does not even try) is one CheckpointError naming the file, its URL, and where to put it.
"""
from __future__ import annotations

import contextlib
import difflib
import inspect
import os
from typing import Sequence

import numpy as np
import torch

from ..errors import CheckpointError, ConfigError, DataError, SRBenchError
from ..registry import METRICS
from .base import PROTOCOLS, SRMetric, check_protocol, prepare_pair, to_uint8, to_uint8_half_even

INSTALL_HINT = 'pip install "srbench[iqa]" (pyiqa 0.1.16, which needs torch 2.14.1 and torchvision 0.29.1)'
OFFLINE_ENV = ('SRBENCH_OFFLINE', 'HF_HUB_OFFLINE')


def import_pyiqa():
    """The pyiqa module, or one ConfigError saying how to install it."""
    try:
        import pyiqa
    except ImportError as e:
        raise ConfigError(f'PyIQA metrics need the optional package pyiqa, which is not installed ({e}); '
                          f'install it with {INSTALL_HINT}') from None
    except Exception as e:  # noqa: BLE001 -- e.g. a torchvision built for another torch
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ConfigError(f'PyIQA metrics need pyiqa, which failed to import: {type(e).__name__}: {msg}; '
                          f'reinstall it with {INSTALL_HINT}') from None
    return pyiqa


def _offline() -> bool:
    return any(os.environ.get(k, '').strip().lower() in ('1', 'true', 'yes', 'on') for k in OFFLINE_ENV)


class _MissingWeights(Exception):
    def __init__(self, url, dst, reason, where=None):
        super().__init__(url)
        self.url, self.dst, self.reason = url, dst, reason
        self.where = where or f'download {url} and put it at {dst}'


@contextlib.contextmanager
def _download_guard():
    """While pyiqa builds a metric: a weight file that is neither cached nor downloadable becomes
    _MissingWeights(url, where to put it) -- for torch.hub / pyiqa downloads and Hugging Face Hub files."""
    import torch.hub as hub
    patches = []   # (module, attribute, original)
    orig_hub = hub.download_url_to_file

    def guarded(url, dst, *args, **kwargs):
        if _offline():
            flags = ' / '.join(f'{k}=1' for k in OFFLINE_ENV)
            raise _MissingWeights(url, dst, f'offline mode ({flags})')
        try:
            return orig_hub(url, dst, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 -- no network, HTTP error...
            msg = ' '.join(str(e).split())[:200]
            raise _MissingWeights(url, dst, f'download failed: {type(e).__name__}: {msg}') from None

    patches.append((hub, 'download_url_to_file', orig_hub))
    try:
        import pyiqa.utils.download_util as du
        if hasattr(du, 'download_url_to_file'):
            patches.append((du, 'download_url_to_file', du.download_url_to_file))
    except ImportError:   # pragma: no cover -- other pyiqa layouts
        pass
    try:   # the Hub's cache download (a private function; skipped if huggingface_hub changes it)
        import huggingface_hub.file_download as hfd
        orig_hf = hfd._hf_hub_download_to_cache_dir
    except (ImportError, AttributeError):
        hfd = orig_hf = None

    def guarded_hf(*args, **kwargs):
        try:
            return orig_hf(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 -- LocalEntryNotFoundError, offline, HTTP errors
            repo, fname = kwargs.get('repo_id', '?'), kwargs.get('filename', '?')
            rev = kwargs.get('revision') or 'main'
            url = f'{kwargs.get("endpoint") or "https://huggingface.co"}/{repo}/resolve/{rev}/{fname}'
            cache = kwargs.get('cache_dir', '$HF_HOME/hub')
            raise _MissingWeights(url, f'{repo}/{fname}', f'{type(e).__name__}',
                                  where=f'fetch it into the Hugging Face cache {cache} once online, e.g. '
                                        f'huggingface_hub.hf_hub_download({repo!r}, {fname!r})') from None

    if orig_hf is not None:
        patches.append((hfd, '_hf_hub_download_to_cache_dir', orig_hf))
    for mod, attr, _ in patches:
        setattr(mod, attr, guarded_hf if attr == '_hf_hub_download_to_cache_dir' else guarded)
    try:
        yield
    finally:
        for mod, attr, orig in patches:
            setattr(mod, attr, orig)


def _arch_params(pyiqa, metric: str):
    """(parameters of the metric's network __init__, takes **kwargs) -- to know its options."""
    try:
        from pyiqa.archs import _lazy_import_arch
        from pyiqa.default_model_configs import DEFAULT_CONFIGS
        from pyiqa.utils.registry import ARCH_REGISTRY
        arch = DEFAULT_CONFIGS[metric]['metric_opts']['type']
        _lazy_import_arch(arch)
        params = inspect.signature(ARCH_REGISTRY.get(arch).__init__).parameters
    except Exception:  # noqa: BLE001 -- unknown layout: no options known
        return {}, False
    return params, any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


@METRICS.register_module()
class PyIQA(SRMetric):
    """A pyiqa metric (see the module docstring).

    Args:
        metric: pyiqa's metric name (``pyiqa.list_models()``), e.g. ``'lpips'``, ``'psnr'``, ``'niqe'``.
        name: key of the result (default: the pyiqa name, e.g. ``lpips``).
        channel: ``'y'``, ``'rgb'`` or ``None`` (``'y'`` where the metric has a Y mode).
        crop_border / protocol: as for :class:`srbench.metrics.base.SRMetric`.
        weights: local weight file of the metric (passed as pyiqa's ``pretrained_model_path``).
        device: where pyiqa runs (default: ``'cpu'``).
        metric_options: further keyword arguments of ``pyiqa.create_metric``.
    """

    def __init__(self, metric: str, name: str | None = None, channel: str | None = None,
                 crop_border: int | None = None, protocol: str = 'matlab', weights: str | None = None,
                 device: str = 'cpu', metric_options: dict | None = None, collect_device: str = 'cpu',
                 prefix: str | None = None):
        pyiqa = import_pyiqa()
        known = list(pyiqa.list_models())
        if metric not in known:
            close = difflib.get_close_matches(str(metric), known, n=6, cutoff=0.5)
            close = list(dict.fromkeys([k for k in known if k.lower() == str(metric).lower()] + close))
            raise ConfigError(f'PyIQA: unknown pyiqa metric {metric!r}; '
                              + (f'did you mean {", ".join(map(repr, close))}?' if close else
                                 f'known: {", ".join(known)}'))
        params, var_kw = _arch_params(pyiqa, metric)
        has_y = 'test_y_channel' in params
        if channel is None:
            channel = 'y' if has_y else 'rgb'
        check_protocol(protocol, channel, f'PyIQA({metric!r})')
        if channel == 'y' and not has_y:
            raise ConfigError(f'PyIQA: pyiqa metric {metric!r} has no Y-channel mode (no test_y_channel '
                              "option); use channel='rgb'")
        super().__init__(crop_border=crop_border, channel=channel, protocol=protocol,
                         collect_device=collect_device, prefix=prefix)
        self.metric_name = name or metric
        opts = dict(metric_options or {})
        if has_y:
            opts['test_y_channel'] = channel == 'y'
            if channel == 'y' and ('color_space' in params or var_kw):
                opts['color_space'] = 'ycbcr'
        if weights is not None:
            w = os.path.expanduser(str(weights))
            if not os.path.isfile(w):
                raise CheckpointError(f'PyIQA({metric!r}): weight file {w} does not exist')
            if 'pretrained_model_path' not in params:
                raise ConfigError(f'PyIQA: pyiqa metric {metric!r} takes no weight file (no '
                                  'pretrained_model_path option); remove weights=')
            opts['pretrained_model_path'] = w
        self.pyiqa_metric, self.options = metric, opts
        self.model = self._create(pyiqa, metric, device, opts)
        self.higher_is_better = not bool(getattr(self.model, 'lower_better', False))
        self.mode = getattr(self.model, 'metric_mode', 'FR')
        self.repeat_gray = not has_y

    @staticmethod
    def _create(pyiqa, metric, device, opts):
        try:
            with _download_guard():
                return pyiqa.create_metric(metric, as_loss=False, device=torch.device(device), **opts)
        except _MissingWeights as e:
            fname = os.path.basename(str(e.dst))
            raise CheckpointError(
                f'PyIQA({metric!r}) needs the weight file {fname}, which is not in the local cache '
                f'({e.reason}): {e.where}') from None
        except SRBenchError:
            raise
        except Exception as e:  # noqa: BLE001
            tname = type(e).__name__
            msg = ' '.join(str(e).split()) or tname
            if 'EntryNotFound' in tname or 'Offline' in tname or 'offline' in msg.lower():
                raise CheckpointError(
                    f'PyIQA({metric!r}) needs weights from the Hugging Face Hub that are not in the local '
                    'cache '
                    f'({tname}: {msg[:300]}); run once online or put the files in the Hugging Face cache '
                    f'(${{HF_HOME}}/hub, default ~/.cache/huggingface/hub)') from None
            raise ConfigError(f'PyIQA: pyiqa could not build metric {metric!r} with options {opts}: '
                              f'{tname}: {msg[:300]}') from None

    def protocol_info(self, scale=None) -> dict:
        info = dict(name=self.protocol, channel=self.channel,
                    crop_border=self.crop_border if self.crop_border is not None else (scale or 'scale'),
                    quantize=PROTOCOLS[self.protocol]['quantize'],
                    metric=f'pyiqa {self.pyiqa_metric} ({self.mode}), options {self.options}',
                    lower_better=not self.higher_is_better)
        try:
            import pyiqa
            info['pyiqa_version'] = getattr(pyiqa, '__version__', None)
        except ImportError:  # pragma: no cover
            pass
        if self.channel == 'y':
            cs = ", color_space='ycbcr'" if 'color_space' in self.options else ''
            info['y'] = f"pyiqa's to_y_channel{cs} (float, not rounded)"
        return info

    def _to_input(self, x8: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(np.array(x8.transpose(2, 0, 1), dtype=np.float32)).div_(255.0)[None]  # a copy
        if t.shape[1] == 1 and (self.repeat_gray or self.channel == 'rgb'):
            t = t.repeat(1, 3, 1, 1)
        return t

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for s in data_samples:
            meta = s.get('metainfo') or {}
            name = meta.get('name', str(len(self.results)))
            if self.mode == 'FR':
                if s.get('gt') is None:
                    raise DataError(f'{self.metric_name} needs the HR image (gt) of {name!r}')
                sr, hr = prepare_pair(s['pred'], s['gt'], meta, self.protocol, 'rgb', self.crop_border,
                                      self.metric_name)
                args = (self._to_input(sr), self._to_input(hr))
            else:
                pred = s['pred']
                q = to_uint8(pred) if self.protocol == 'matlab' else to_uint8_half_even(pred)
                b = self.crop_border if self.crop_border is not None else int(meta.get('scale') or 0)
                h, w = q.shape[:2]
                if 2 * b >= h or 2 * b >= w:
                    raise DataError(f'{self.metric_name}: crop border {b} leaves nothing of image {name!r} '
                                    f'({w}x{h}); use a smaller crop_border')
                args = (self._to_input(q[b:h - b, b:w - b] if b else q),)
            try:
                with torch.no_grad():
                    out = self.model(*args)
            except (AssertionError, RuntimeError, ValueError) as e:
                raise DataError(f'{self.metric_name} (pyiqa {self.pyiqa_metric}) failed on image {name!r}: '
                                f'{type(e).__name__}: {" ".join(str(e).split())[:300]}') from None
            self.results.append({'name': name, self.metric_name: float(torch.as_tensor(out).float().mean())})


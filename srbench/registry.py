"""srbench's registries: children (scope ``srbench``) of MMEngine's root registries.

MMEngine's Runner builds every component through its root registries; with ``default_scope =
'srbench'`` in a config it looks in these children first and falls back to MMEngine's own
(so ``type='Adam'`` or ``type='CheckpointHook'`` still work). MMEngine imports this module by
name (``<scope>.registry``) when it switches scope, so it must stay importable on its own.

Each registry has ``locations=['srbench._autoload']``: the first ``get``/``build`` on any of them
imports srbench's core components and runs plugin discovery once (see :mod:`srbench.discovery`).
This also happens inside every torchrun rank, since each rank builds its runner from the config.
This module imports nothing of srbench: the modules that register components import it, and it reaches
them only by name, lazily, through ``locations`` (MMEngine's mechanism).
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import INFERENCERS as MMENGINE_INFERENCERS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

SCOPE = 'srbench'
_LOC = ['srbench._autoload']


def _child(name, parent):
    return Registry(name, parent=parent, scope=SCOPE, locations=_LOC)


# what a paper plugin fills
MODELS = _child('model', MMENGINE_MODELS)
DATASETS = _child('dataset', MMENGINE_DATASETS)
TRANSFORMS = _child('transform', MMENGINE_TRANSFORMS)
METRICS = _child('metric', MMENGINE_METRICS)

# what the Runner builds (children exist so that scope lookups never fall back with a warning)
RUNNERS = _child('runner', MMENGINE_RUNNERS)
RUNNER_CONSTRUCTORS = _child('runner constructor', MMENGINE_RUNNER_CONSTRUCTORS)
LOOPS = _child('loop', MMENGINE_LOOPS)
HOOKS = _child('hook', MMENGINE_HOOKS)
DATA_SAMPLERS = _child('data sampler', MMENGINE_DATA_SAMPLERS)
MODEL_WRAPPERS = _child('model_wrapper', MMENGINE_MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child('weight initializer', MMENGINE_WEIGHT_INITIALIZERS)
OPTIMIZERS = _child('optimizer', MMENGINE_OPTIMIZERS)
OPTIM_WRAPPERS = _child('optim_wrapper', MMENGINE_OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor', MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child('parameter scheduler', MMENGINE_PARAM_SCHEDULERS)
EVALUATOR = _child('evaluator', MMENGINE_EVALUATOR)
TASK_UTILS = _child('task util', MMENGINE_TASK_UTILS)
VISUALIZERS = _child('visualizer', MMENGINE_VISUALIZERS)
VISBACKENDS = _child('vis_backend', MMENGINE_VISBACKENDS)
LOG_PROCESSORS = _child('log_processor', MMENGINE_LOG_PROCESSORS)
INFERENCERS = _child('inferencer', MMENGINE_INFERENCERS)
FUNCTIONS = _child('function', MMENGINE_FUNCTIONS)

# Every srbench registry, by the name a plugin's (optional) ``components`` uses: discovery lists what a
# plugin's modules register in any of them as the plugin's, and removes it again if the plugin fails.
BY_NAME = {
    'MODELS': MODELS, 'DATASETS': DATASETS, 'TRANSFORMS': TRANSFORMS, 'METRICS': METRICS,
    'HOOKS': HOOKS, 'LOOPS': LOOPS, 'OPTIMIZERS': OPTIMIZERS, 'OPTIM_WRAPPERS': OPTIM_WRAPPERS,
    'OPTIM_WRAPPER_CONSTRUCTORS': OPTIM_WRAPPER_CONSTRUCTORS, 'PARAM_SCHEDULERS': PARAM_SCHEDULERS,
    'DATA_SAMPLERS': DATA_SAMPLERS, 'FUNCTIONS': FUNCTIONS, 'VISUALIZERS': VISUALIZERS,
    'VISBACKENDS': VISBACKENDS, 'RUNNERS': RUNNERS, 'RUNNER_CONSTRUCTORS': RUNNER_CONSTRUCTORS,
    'MODEL_WRAPPERS': MODEL_WRAPPERS, 'WEIGHT_INITIALIZERS': WEIGHT_INITIALIZERS, 'EVALUATOR': EVALUATOR,
    'TASK_UTILS': TASK_UTILS, 'LOG_PROCESSORS': LOG_PROCESSORS, 'INFERENCERS': INFERENCERS,
}

"""The plugin declaration layer: ``srbench.spec`` (torch-free), the ``srbench.plugins`` compatibility module,
and DataLoader workers that unpickle datasets without running discovery."""
import subprocess
import sys

from conftest import run_tool


# -- srbench.spec ---------------------------------------------------------------------------------------
def test_spec_imports_neither_torch_nor_mmengine():
    code = ('import sys; from srbench.spec import ModelInfo, Plugin, SizeRequirements, CHANNELS; '
            'import srbench.plugins; '      # the compatibility module stays as cheap for old declarations
            'bad = [m for m in ("torch", "mmengine", "srbench.registry") if m in sys.modules]; '
            'print(bad); sys.exit(1 if bad else 0)')
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr[-2000:]


def test_compatibility_module_reexports_the_same_objects():
    import srbench.discovery as discovery
    import srbench.lookup as lookup
    import srbench.plugins as plugins
    import srbench.spec as spec
    assert plugins.ModelInfo is spec.ModelInfo and plugins.Plugin is spec.Plugin
    assert plugins.CHANNELS is spec.CHANNELS and plugins.INPUT_KINDS is spec.INPUT_KINDS
    assert plugins.ensure_plugins_loaded is discovery.ensure_plugins_loaded
    assert plugins.records is discovery.records
    assert plugins.find_model is lookup.find_model and plugins.check_registered is lookup.check_registered


# -- DataLoader workers started with spawn: datasets unpickle without running discovery ------------------
SPAWN = '''
import sys
import torch
from torch.utils.data import DataLoader
from srbench.registry import DATASETS, FUNCTIONS
if __name__ == '__main__':
    ds = DATASETS.build(dict(type='PairedImageDataset', hr_dir=sys.argv[1], scale=3, input_kind='lr',
                             channels='y'))
    ref = [ds[i]['inputs'] for i in range(len(ds))]
    dl = DataLoader(ds, batch_size=1, num_workers=2, multiprocessing_context='spawn',
                    collate_fn=FUNCTIONS.get('sr_collate'))
    got = [b['inputs'][0] for b in dl]
    assert len(got) == len(ref) == 3 and all(torch.equal(a, b) for a, b in zip(got, ref))
    print('spawned workers gave the same samples:', len(got))
'''


def test_spawned_dataloader_workers(photos):
    p = run_tool(['-c', SPAWN, photos[1]])
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'spawned workers gave the same samples: 3' in p.stdout

"""The Bicubic plugin and the test-data protocols (how the LR of a test image is made)."""
import numpy as np
import pytest
import torch

from srbench.data import PairedImageDataset
from srbench.transforms import make_test_pair, to_channels
from srbench.data.io import imwrite
from srbench.errors import ConfigError, DataError
from srbench.lookup import find_model
from srbench.transforms.color import rgb2ycbcr
from srbench.transforms.imresize import imresize_np

skdata = pytest.importorskip('skimage.data')


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp('hr') / 'Tiny' / 'HR'
    imwrite(d / 'astronaut.png', skdata.astronaut()[:101, :150])      # 101 x 150: mod-crop matters
    imwrite(d / 'camera.png', skdata.camera()[:90, :97])               # a grayscale file
    return d


def test_declarations():
    info, plugin, _ = find_model('Bicubic')
    assert plugin.name == 'bicubic' and info.channels == 'rgb' and info.input == 'lr' and not info.trainable
    assert find_model('BicubicY')[0].channels == 'y'
    rows = plugin.reference_numbers()['results']
    seed = {(r['dataset'], r['scale']) for r in rows if r['label'] == 'seed'}
    assert seed >= {('Set5', 2), ('Urban100', 4)}


def test_bicubic_resizes_uint8_data_like_matlab():
    from srbench_plugins.bicubic.bicubic_arch import Bicubic
    img = skdata.astronaut()[:60, :80]
    x = torch.from_numpy(img.transpose(2, 0, 1).copy()).float()[None] / 255
    want = imresize_np(img, 3.0)                                        # uint8: rounded after each dimension
    got = Bicubic()(x, 3)[0].numpy().transpose(1, 2, 0) * 255
    np.testing.assert_allclose(got, want, atol=1e-4)
    as_float = imresize_np(img.astype(np.float64) / 255, 3.0)
    np.testing.assert_allclose(Bicubic(uint8=False)(x.double(), 3)[0].numpy().transpose(1, 2, 0), as_float,
                               atol=1e-6)                              # x is float32 k/255
    assert np.abs(got - as_float * 255).max() > 0.4                   # the two really differ
    off = x.double() * 0.999                                           # not on the uint8 grid: float path
    np.testing.assert_allclose(Bicubic()(off, 3)[0].numpy().transpose(1, 2, 0),
                               imresize_np(img.astype(np.float64) / 255 * 0.999, 3.0), atol=1e-6)


def test_default_lr_protocols(folder):
    rgb = PairedImageDataset(folder, 2, input_kind='lr', channels='rgb')
    y = PairedImageDataset(folder, 2, input_kind='lr', channels='y')
    assert rgb.lr_protocol == 'rgb-uint8' and y.lr_protocol == 'y-double'
    img = skdata.astronaut()[:100, :150]                                # mod-cropped to x2
    s = rgb[0]
    assert s['metainfo']['lr_protocol'] == 'rgb-uint8' and s['metainfo']['name'] == 'astronaut'
    np.testing.assert_array_equal(np.round(s['inputs'].numpy().transpose(1, 2, 0) * 255),
                                  imresize_np(img, 0.5))
    np.testing.assert_array_equal(np.round(s['gt'].numpy().transpose(1, 2, 0) * 255), img)
    sy = y[0]
    yy = rgb2ycbcr(img, y_only=True)
    np.testing.assert_allclose(sy['inputs'][0].double().numpy(), imresize_np(yy / 255.0, 0.5), atol=1e-7)
    info = rgb.protocol_info()
    assert info['lr_protocol'] == 'rgb-uint8' and 'rounded to uint8' in info['lr'] and 'bicubic' in info['lr']
    assert 'double precision' in y.protocol_info()['lr']


def test_lr_from_rgb_for_a_y_network(folder):
    ds = PairedImageDataset(folder, 2, input_kind='lr', channels='y', lr_from='rgb')
    assert ds.lr_protocol == 'rgb-uint8' and 'then its Y' in ds.protocol_info()['lr']
    img = skdata.astronaut()[:100, :150]
    np.testing.assert_array_equal(np.round(ds[0]['inputs'][0].numpy() * 255),
                                  rgb2ycbcr(imresize_np(img, 0.5), y_only=True))
    gray = ds[1]                                                       # gray image: used as Y directly
    assert gray['metainfo']['is_gray'] and gray['gt'].shape == (1, 90, 96)
    np.testing.assert_array_equal(np.round(gray['inputs'][0].numpy() * 255),
                                  imresize_np(skdata.camera()[:90, :96], 0.5))
    ds = PairedImageDataset(folder, 2, input_kind='bicubic', channels='y', lr_from='rgb', quantize_lr=False)
    assert ds.lr_protocol == 'rgb-double' and ds[0]['inputs'].shape == ds[0]['gt'].shape


def test_gray_image_for_an_rgb_network(folder):
    s = PairedImageDataset(folder, 3, input_kind='lr', channels='rgb')[1]
    cam = skdata.camera()[:90, :96]
    assert s['gt'].shape == (3, 90, 96) and torch.equal(s['gt'][0], s['gt'][2])
    np.testing.assert_array_equal(np.round(s['inputs'][1].numpy() * 255), imresize_np(cam, 1 / 3))


def test_bad_lr_options(folder):
    with pytest.raises(ConfigError, match="lr_from='y' .* needs a Y network"):
        PairedImageDataset(folder, 2, input_kind='lr', channels='rgb', lr_from='y')
    with pytest.raises(ConfigError, match="lr_from must be one of \\('rgb', 'y'\\), got 'ycbcr'"):
        PairedImageDataset(folder, 2, input_kind='lr', channels='y', lr_from='ycbcr')
    with pytest.raises(DataError, match='smaller than scale 8'):
        make_test_pair(np.zeros((5, 9, 3), np.uint8), 8, 'rgb')
    with pytest.raises(DataError, match='expected an H×W or H×W×3 image'):
        to_channels(np.zeros((4, 4, 2), np.uint8), 'y')

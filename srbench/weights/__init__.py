"""Released weights: readers of the authors' files (MATLAB v5/v7.3, MatConvNet, other toolboxes' torch
state dicts), the MATLAB layout helpers the plugins' converters use, and the conversion to srbench
checkpoints (``srbench convert``). The mappings themselves live in the plugins."""
from .convert import (CONVERTED_FORMAT, Converted, Declared, WeightsWarning, build_network, check_state_dict,
                      checkpoint_of, convert_file, declarations, find_declaration, identify, is_released_file,
                      save_converted)
from .matlab import conv_hwio, convt_hwoi, filter_bank, vector, with_dims
from .readers import Released, read_released, unwrap_state_dict

__all__ = ['CONVERTED_FORMAT', 'Converted', 'Declared', 'Released', 'WeightsWarning', 'build_network',
           'check_state_dict', 'checkpoint_of', 'conv_hwio', 'convert_file', 'convt_hwoi', 'declarations',
           'filter_bank', 'find_declaration', 'identify', 'is_released_file', 'read_released',
           'save_converted', 'unwrap_state_dict', 'vector', 'with_dims']

_base_ = ['../../../srbench/configs/_base_/schedules/adam_iter.py']

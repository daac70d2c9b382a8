# RDN x2 with the seed's data: the seed gives only the command (`python main.py --configs configs/rdn.yaml`)
# and reports x3 results of a model trained on the 291 images (T91 + the 200 BSD300 training images), the
# data of its other 291-image recipes, here cropped at random from whole images (the seed's "Dataloader" flow)
# in RGB. Everything else as rdn_x2_div2k.py (the paper's optimisation; the seed states none).
# Data: one folder with the 291 images (links are enough):
#   mkdir -p work_dirs/data/291/HR && \
#   ln -s $PWD/../shared/datasets/T91/HR/* $PWD/../shared/datasets/BSD200/HR/* work_dirs/data/291/HR/
_base_ = ['./rdn_x2_div2k.py']

train_dataloader = dict(dataset=dict(name='291-images', hr_dir='work_dirs/data/291/HR'))

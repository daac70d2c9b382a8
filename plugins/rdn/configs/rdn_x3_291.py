# RDN x3 with the seed's data (291 images, random RGB crops): rdn_x2_291.py at x3. The seed's RDN table has
# 291-image results at x3 only.
_base_ = ['./rdn_x3_div2k.py']

train_dataloader = dict(dataset=dict(name='291-images', hr_dir='work_dirs/data/291/HR'))

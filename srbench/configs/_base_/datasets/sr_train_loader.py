# Training dataloader defaults: infinite shuffled sampler (no 2 s pause per epoch), stacked batches.
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='sr_collate'),
)

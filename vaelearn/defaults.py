"""The course's defaults, in one place: every factory, model and detector reads them here.

Each was measured on the bundled MNIST on a laptop CPU (BENCHMARKS.md); a lesson that needs
another value passes it, and says why.
"""

__all__ = ["BATCH_SIZE", "HIDDEN", "LEARNING_RATE", "LOGISTIC_INITIAL_SCALE", "PIXEL_LEVELS",
           "FLOATS_PER_PASS", "PREDICT_BATCH_SIZE", "ROWS_PER_PASS", "STEPS_PER_EXECUTION", "WARMUP_STEPS"]

# Small batches leave the early plateau sooner; with several steps per compiled call they
# cost little throughput on a laptop CPU. On the bundled MNIST, 16 reached the held-out
# target sooner than 8, 32, 64 and 128 (bench/time_to_quality.py).
BATCH_SIZE = 16
# Adam's learning rate after its warmup.
LEARNING_RATE = 2.5e-3
# Adam's first updates move every weight by about the learning rate whatever its gradient; at
# 2.5e-3 they killed 15 of the 16 ReLU units of the keras.io encoder's bottleneck (posterior
# collapse) for some seeds. Rising to it over 100 updates prevented that.
WARMUP_STEPS = 100
# Training steps per compiled call where the backend allows it (not on PyTorch): several
# batches per call cut Keras' per-batch overhead on small CPUs.
STEPS_PER_EXECUTION = 16
# Hidden layer sizes of the MLP encoder (mirrored in the decoder).
HIDDEN = (256, 128)
# Examples per forward pass when a model encodes, decodes or scores arrays (no training).
PREDICT_BATCH_SIZE = 1024
# Rows per forward pass when each example is repeated once per draw (the ELBO's and the
# importance-weighted bound's Monte-Carlo draws): examples per pass = ROWS_PER_PASS // draws.
ROWS_PER_PASS = 2048
# Fewer rows per pass where a layer's output would hold more numbers than this (32 MiB of
# float32): TensorFlow's oneDNN allocator keeps the largest pass's memory for the kernel's
# life, 700 MB for 2,048 rows through the convolutional decoder (BENCHMARKS.md, "A class on one hub").
FLOATS_PER_PASS = 2 ** 23
# The levels of an 8-bit pixel, k / 255 for k = 0..255 in the course's images: what the
# discretized logistic likelihood and bits per dimension count.
PIXEL_LEVELS = 256
# The discretized logistic likelihood's scale before training, as a fraction of [0, 1]: 8 of
# the 255 steps between pixel levels.
LOGISTIC_INITIAL_SCALE = 8 / (PIXEL_LEVELS - 1)

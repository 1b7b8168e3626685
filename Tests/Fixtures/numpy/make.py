"""Writes the NumPy files the dataset format tests read, with NumPy's own writers (run: python3 make.py).

Four 3x2x2 RGB images (channels last) with labels 0..3, in every form NumPy writes: .npy versions 1.0,
2.0 and 3.0, np.savez (stored) and np.savez_compressed (deflated). Their pixel values are
(n * 12 + y * 6 + x * 3 + c) for sample n, row y, column x, channel c.
"""
import numpy as np

images = np.arange(4 * 2 * 2 * 3, dtype=np.uint8).reshape(4, 2, 2, 3)
labels = np.arange(4, dtype=np.int64)

np.save("images_v1.npy", images)
np.save("labels.npy", labels)
for version in [(2, 0), (3, 0)]:
    with open(f"images_v{version[0]}.npy", "wb") as f:
        np.lib.format.write_array(f, images.astype(np.float32) / 255, version=version)
np.savez("stored.npz", x_train=images, y_train=labels.astype(np.uint8))
np.savez_compressed("deflated.npz", images=images.astype(np.float64) / 255, labels=labels.reshape(4, 1))

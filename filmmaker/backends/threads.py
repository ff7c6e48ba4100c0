"""Torch's CPU thread count, pinned.

A model's CPU output can change in its last bits with the number of threads torch splits the
work over, so a picture made in a pool worker, in the driver, or in a Ray actor (which Ray gives
one thread) would differ. Pinning the count makes the bytes the same wherever the node runs;
FILMMAKER_TORCH_THREADS changes it (and with it the bytes: set it alike on every machine).
"""

from __future__ import annotations

import os

CPU_THREADS = 2


def pin_torch_threads() -> int:
    import torch

    threads = int(os.environ.get("FILMMAKER_TORCH_THREADS") or CPU_THREADS)
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads

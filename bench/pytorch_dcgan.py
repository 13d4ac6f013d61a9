#!/usr/bin/env python3
"""The DCGAN genscope trains at 32x32x3, as a plain PyTorch loop: the reference for
bench/dcgan_vs_pytorch.sh, which runs it beside `genscope --headless` with the same torch build,
thread count and allocator settings.

The architecture is pytorch/examples' dcgan adapted to 32x32 (one block fewer): G is
ConvT(nz, 4w, 4, 1, 0) BN ReLU, ConvT(4w, 2w) BN ReLU, ConvT(2w, w) BN ReLU, ConvT(w, 3) tanh;
D is Conv(3, w) LReLU, Conv(w, 2w) BN LReLU, Conv(2w, 4w) BN LReLU, Conv(4w, 1, 4, 1, 0); every
stride-2 layer a 4x4 kernel with padding 1, no biases, DCGAN's N(0, 0.02) initialisation.
One step: fakes from fresh noise, a D update on a real batch and the detached fakes (BCE with
logits), a G update through D (non-saturating BCE), Adam 2e-4 / (0.5, 0.999) on both.

Prints one line: "pytorch: S steps/s over steps A..B".
"""
import argparse
import time

import torch
import torch.nn as nn


def generator(nz, w):
    def up(i, o, k=4, s=2, p=1):
        return nn.ConvTranspose2d(i, o, k, s, p, bias=False)
    return nn.Sequential(
        up(nz, 4 * w, 4, 1, 0), nn.BatchNorm2d(4 * w), nn.ReLU(True),
        up(4 * w, 2 * w), nn.BatchNorm2d(2 * w), nn.ReLU(True),
        up(2 * w, w), nn.BatchNorm2d(w), nn.ReLU(True),
        up(w, 3), nn.Tanh())


def discriminator(w):
    def down(i, o, k=4, s=2, p=1):
        return nn.Conv2d(i, o, k, s, p, bias=False)
    return nn.Sequential(
        down(3, w), nn.LeakyReLU(0.2, True),
        down(w, 2 * w), nn.BatchNorm2d(2 * w), nn.LeakyReLU(0.2, True),
        down(2 * w, 4 * w), nn.BatchNorm2d(4 * w), nn.LeakyReLU(0.2, True),
        down(4 * w, 1, 4, 1, 0))


def init(m):
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--nz", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--images", type=int, default=3283)  # the emoji set's training split
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    g, d = generator(a.nz, a.width), discriminator(a.width)
    g.apply(init)
    d.apply(init)
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    data = torch.randint(0, 256, (a.images, 3, 32, 32), dtype=torch.uint8)
    order, cursor = torch.randperm(a.images), 0
    start = None
    for step in range(a.steps):
        if step == a.warmup:
            start = time.perf_counter()
        if cursor + a.batch > a.images:
            order, cursor = torch.randperm(a.images), 0
        real = data[order[cursor:cursor + a.batch]].float().div(127.5).sub(1.0)
        cursor += a.batch
        fake = g(torch.randn(a.batch, a.nz, 1, 1))
        opt_d.zero_grad()
        rl, fl = d(real).view(-1), d(fake.detach()).view(-1)
        loss_d = bce(rl, torch.ones_like(rl)) + bce(fl, torch.zeros_like(fl))
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad()
        gl = d(fake).view(-1)
        loss_g = bce(gl, torch.ones_like(gl))
        loss_g.backward()
        opt_g.step()
        loss_d.item(), loss_g.item()  # genscope reads both losses every step
    timed = a.steps - a.warmup
    print("pytorch: %.3f steps/s over steps %d..%d" %
          (timed / (time.perf_counter() - start), a.warmup + 1, a.steps))


if __name__ == "__main__":
    main()

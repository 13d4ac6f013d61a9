#!/usr/bin/env python3
"""genscope's character models as a plain PyTorch loop: the reference for
bench/text_vs_pytorch.sh, which runs it beside `genscope --headless` with the same torch build
(Debian's libtorch and python3-torch 1.13.1 are one build), thread count, allocator settings and
OpenMP spin count.

What it reimplements, from genscope's sources:
  * the corpus (src/data/text_corpus.cpp): every file of /usr/share/games/fortunes without an
    extension (regular, not a symlink), sorted by path; UTF-8, "\\r\\n" -> "\\n", files that are
    empty, binary or not UTF-8 skipped; fortunes split on lines holding just "%", each kept with
    its "%\\n"; every 10th fortune (global index % 10 == 9) to validation; the vocabulary every
    character of both parts, sorted by code point (the 512 most frequent when there are more,
    U+FFFD last);
  * the models (src/train/models/text/char_models.cpp): char-transformer is nanoGPT's shape,
    token + position embeddings, pre-norm blocks (LayerNorm, one qkv Linear, softmax attention
    with a causal mask by masked_fill(-inf) + softmax, proj Linear; LayerNorm, Linear 4w, exact
    GELU, Linear w), a final LayerNorm, the read-out tied to the token embedding (no bias);
    GPT-2's init (N(0, 0.02) weights, zero biases, LayerNorms 1/0, the two residual projections
    N(0, 0.02 / sqrt(2 layers))). char-lstm is Embedding -> nn.LSTM (batch_first) -> Linear,
    PyTorch's default init. Modules are built in genscope's order after torch.manual_seed(seed),
    so the initial weights come from the same generator calls;
  * the batches (src/train/models/text/text_lm.cpp): the Transformer's batch_size random windows
    of context + 1 characters, the starts drawn per step by std::mt19937_64 seeded with
    seed * 0x9E3779B97F4A7C15 + step and libstdc++'s uniform_int_distribution (reimplemented
    below, bit for bit); the LSTM's batch_size streams of the training text (stream b starts at
    b * (N // batch)), bptt characters a step, the hidden state carried and detached between
    chunks, reset to zeros when the streams run out;
  * the update: AdamW in two groups (weight decay on the tensors of 2 or more dimensions, none on
    biases and norms), betas (0.9, 0.99), eps 1e-8, the learning rate ramped linearly over
    warmup_steps ((step + 1) / warmup, 0-based step), constant after; zero_grad (to zeros, as
    1.13's C++ and Python both do), backward, clip_grad_norm_ to grad_clip, step; the batch's
    loss and the gradient norm read every step as genscope does;
  * validation (TextLm::validate): 8,192 characters of the validation split, no_grad, eval
    mode; the Transformer on 128 windows of 64, the LSTM on 8 passages of 1,024 from zero state,
    evenly spaced starts, summed cross entropy / characters / ln 2.

Timing: steps/s from the time between consecutive steps' ends (as genscope's metrics.csv wall_s),
over steps warmup+1..steps, leaving out the steps that validated (their interval holds the
validation, and in genscope also its samples and histograms); "wall" is every step of the same
range. Prints the validation bpc at every validation step and a final line
  RESULT model=M steps=N threads=T seed=S steps_per_s=X wall_steps_per_s=Y val_step=K val_bpc=V
"""
import argparse
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FORTUNES = "/usr/share/games/fortunes"
MAX_VOCAB = 512
VAL_CHARS = 8192
LN2 = 0.69314718055994530942
M64 = (1 << 64) - 1


# ---- corpus -------------------------------------------------------------------------------------

def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data or b"\0" in data:
        return None
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return None
    return text.replace("\r\n", "\n")


def split_fortunes(text):
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # genscope's line loop stops at the end of the text
    out, current = [], []
    for line in lines:
        if line == "%":
            if current:
                out.append("".join(current) + "%\n")
            current = []
        else:
            current.append(line + "\n")
    if current:
        out.append("".join(current) + "%\n")
    return out


def load_fortunes():
    names = []
    for name in os.listdir(FORTUNES):
        p = os.path.join(FORTUNES, name)
        if not os.path.isfile(p) or os.path.islink(p) or os.path.splitext(name)[1]:
            continue
        names.append(p)
    names.sort()
    train, val, index = [], [], 0
    for p in names:
        text = read_text(p)
        if text is None:
            continue
        for fortune in split_fortunes(text):
            (val if index % 10 == 9 else train).append(fortune)
            index += 1
    return "".join(train), "".join(val)


def make_corpus(train, val):
    counts = {}
    for s in (train, val):
        for ch in s:
            counts[ch] = counts.get(ch, 0) + 1
    by_count = sorted((-n, ord(c)) for c, n in counts.items())
    merge = len(by_count) > MAX_VOCAB
    keep = MAX_VOCAB - 1 if merge else len(by_count)
    vocab = sorted(cp for _, cp in by_count[:keep])
    if merge:
        vocab.append(0xFFFD)
    ids = {}
    for i, cp in enumerate(vocab):
        ids[chr(cp)] = i
    unknown = len(vocab) - 1

    def encode(s):
        return torch.tensor([ids.get(c, unknown) for c in s], dtype=torch.long)

    return vocab, encode(train), encode(val)


# ---- libstdc++'s std::mt19937_64 and uniform_int_distribution<int64_t>(0, hi) ------------------

class Mt19937_64:
    """Only as much of the state as the first draws after seeding need (the first n - m words
    of the first twist use the seeded words k, k + 1 and k + m)."""
    N, M = 312, 156
    A = 0xB5026F5AA96619E9
    UPPER, LOWER = 0xFFFFFFFF80000000, 0x7FFFFFFF

    def __init__(self, seed):
        self.x = [seed & M64]
        self.p = 0

    def _seeded(self, i):
        x = self.x
        while len(x) <= i:
            prev = x[-1]
            x.append((6364136223846793005 * (prev ^ (prev >> 62)) + len(x)) & M64)
        return x[i]

    def __call__(self):
        k = self.p
        if k >= self.N - self.M:
            raise RuntimeError("more draws than this sketch of mt19937_64 holds")
        self.p += 1
        y = (self._seeded(k) & self.UPPER) | (self._seeded(k + 1) & self.LOWER)
        z = self._seeded(k + self.M) ^ (y >> 1) ^ (self.A if y & 1 else 0)
        z ^= (z >> 29) & 0x5555555555555555
        z ^= (z << 17) & 0x71D67FFFEDA60000
        z ^= (z << 37) & 0xFFF7EEE000000000
        z ^= z >> 43
        return z & M64


def uniform_int(rng, hi):
    """libstdc++ 12's uniform_int_distribution<int64_t>(0, hi) on a 64-bit engine: Lemire's
    nearly divisionless reduction in 128 bits."""
    r = hi + 1
    product = rng() * r
    low = product & M64
    if low < r:
        threshold = ((1 << 64) - r) % r
        while low < threshold:
            product = rng() * r
            low = product & M64
    return product >> 64


def window_starts(seed, step, count, hi):
    rng = Mt19937_64((seed * 0x9E3779B97F4A7C15 + step) & M64)
    return [uniform_int(rng, hi) for _ in range(count)]


def passages(ids, starts, length):
    idx = torch.tensor(starts, dtype=torch.long).unsqueeze(1) + \
        torch.arange(length + 1, dtype=torch.long).unsqueeze(0)
    rows = ids[idx]
    return rows[:, :length].contiguous(), rows[:, 1:].contiguous()


# ---- models -------------------------------------------------------------------------------------

class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.fc_proj = nn.Linear(4 * width, width)

    def forward(self, x, mask, p):
        b, t, c = x.shape
        d = c // self.heads
        q, k, v = self.qkv(self.ln1(x)).split(c, 2)
        q = q.view(b, t, self.heads, d).transpose(1, 2)
        k = k.view(b, t, self.heads, d).transpose(1, 2)
        v = v.view(b, t, self.heads, d).transpose(1, 2)
        att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(d))
        att = torch.softmax(att.masked_fill(mask, float("-inf")), -1)
        att = F.dropout(att, p, self.training)
        y = torch.matmul(att, v).transpose(1, 2).contiguous().view(b, t, c)
        h = x + F.dropout(self.proj(y), p, self.training)
        m = self.fc_proj(F.gelu(self.fc(self.ln2(h))))
        return h + F.dropout(m, p, self.training)


class CharTransformer(nn.Module):
    recurrent = False

    def __init__(self, vocab, width, layers, heads, context, dropout):
        super().__init__()
        self.context, self.dropout = context, dropout
        self.tokens = nn.Embedding(vocab, width)
        self.positions = nn.Embedding(context, width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        with torch.no_grad():  # genscope's init_weights, in named_parameters() order
            for name, p in self.named_parameters():
                if "ln" in name:
                    continue
                if name.endswith(".bias"):
                    p.zero_()
                else:
                    p.normal_(0.0, 0.02)
            for blk in self.blocks:
                for lin in (blk.proj, blk.fc_proj):
                    lin.weight.normal_(0.0, 0.02 / math.sqrt(2.0 * layers))

    def forward(self, tokens, state=None):
        t = tokens.size(1)
        pos = torch.arange(t, dtype=torch.long)
        x = self.tokens(tokens) + self.positions(pos)
        x = F.dropout(x, self.dropout, self.training)
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        for blk in self.blocks:
            x = blk(x, mask, self.dropout)
        return F.linear(self.ln(x), self.tokens.weight), None  # read-out tied to the embedding


class CharLSTM(nn.Module):
    recurrent = True

    def __init__(self, vocab, width, layers, dropout):
        super().__init__()
        self.dropout = dropout
        self.embed = nn.Embedding(vocab, width)
        self.lstm = nn.LSTM(width, width, num_layers=layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens, state=None):
        x = F.dropout(self.embed(tokens), self.dropout, self.training)
        out, state = self.lstm(x, state)
        out = F.dropout(out, self.dropout, self.training)
        return self.head(out), state


# ---- training -----------------------------------------------------------------------------------

def spaced_starts(size, length, count):
    last = max(0, size - length - 1)
    return [i * last // (count - 1) if count > 1 else 0 for i in range(count)]


@torch.no_grad()
def validate(model, val, length_train):
    model.eval()
    n = min(VAL_CHARS, val.numel() - 1)
    length = max(1, n // 8) if model.recurrent else min(length_train, n)
    count = max(1, n // length)
    starts = spaced_starts(val.numel(), length, count)
    total, chars = 0.0, 0
    for at in range(0, len(starts), 64):
        inputs, targets = passages(val, starts[at:at + 64], length)
        logits, _ = model(inputs, None)
        total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1),
                                 reduction="sum").item()
        chars += targets.numel()
    model.train()
    return total / max(1, chars) / LN2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="char-transformer", choices=["char-transformer", "char-lstm"])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--val-every", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=20, help="steps left out of the timing")
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--layers", type=int, default=None, help="default: 4 (Transformer), 2 (LSTM)")
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--bptt", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=12)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--beta1", type=float, default=0.9)
    ap.add_argument("--beta2", type=float, default=0.99)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--grad-clip", type=float, default=1.0)
    ap.add_argument("--warmup-steps", type=int, default=100, help="learning-rate warm-up")
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--print-starts", type=int, default=0,
                    help="print the first K steps' window starts and exit (a check against C++)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    vocab, train_ids, val_ids = make_corpus(*load_fortunes())
    print("corpus: %d characters to train on, %d to validate, vocabulary %d" %
          (train_ids.numel(), val_ids.numel(), len(vocab)), flush=True)
    recurrent = a.model == "char-lstm"
    length = a.bptt if recurrent else a.context
    if a.print_starts:
        for s in range(a.print_starts):
            print(" ".join(str(v) for v in
                           window_starts(a.seed, s, a.batch_size, train_ids.numel() - length - 1)))
        return

    torch.manual_seed(a.seed)
    if recurrent:
        model = CharLSTM(len(vocab), a.width, a.layers or 2, a.dropout)
    else:
        model = CharTransformer(len(vocab), a.width, a.layers or 4, a.heads, a.context, a.dropout)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(a.beta1, a.beta2), eps=1e-8)
    params = list(model.parameters())
    clip = a.grad_clip if a.grad_clip > 0 else float("inf")
    n_train = train_ids.numel()
    stream = n_train // a.batch_size
    position, state = 0, None

    ends = [time.perf_counter()]
    val_bpc, val_step = float("nan"), 0
    for step in range(a.steps):
        warm = (step + 1) / a.warmup_steps if a.warmup_steps > 0 and step < a.warmup_steps else 1.0
        lr = a.lr * warm
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        if recurrent:
            if position + length + 1 > stream:
                position, state = 0, None
            starts = [b * stream + position for b in range(a.batch_size)]
            position += length
            if state is not None:
                state = (state[0].detach(), state[1].detach())
        else:
            starts = window_starts(a.seed, step, a.batch_size, n_train - length - 1)
        inputs, targets = passages(train_ids, starts, length)
        logits, state = model(inputs, state)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(params, clip).item()
        opt.step()
        train_bpc = loss.item() / LN2
        if a.val_every > 0 and (step + 1) % a.val_every == 0:
            val_bpc, val_step = validate(model, val_ids, length), step + 1
            print("step %d: train %.4f bpc, val %.4f bpc, grad norm %.3f, lr %.2e" %
                  (step + 1, train_bpc, val_bpc, grad_norm, lr), flush=True)
        elif step == 0:
            print("step 1: train %.4f bpc, grad norm %.4f" % (train_bpc, grad_norm), flush=True)
        ends.append(time.perf_counter())

    first = min(a.warmup, a.steps - 1)  # intervals of steps first+1..steps (1-based)
    dts = [(s, ends[s] - ends[s - 1]) for s in range(first + 1, a.steps + 1)]
    train_dts = [dt for s, dt in dts if not (a.val_every > 0 and s % a.val_every == 0)]
    rate = len(train_dts) / sum(train_dts)
    wall = len(dts) / (ends[a.steps] - ends[first])
    print("pytorch: %.3f steps/s over steps %d..%d without the %d validating steps "
          "(%.3f with them)" % (rate, first + 1, a.steps, len(dts) - len(train_dts), wall))
    print("RESULT model=%s steps=%d threads=%d seed=%d steps_per_s=%.4f wall_steps_per_s=%.4f "
          "val_step=%d val_bpc=%.4f" % (a.model, a.steps, a.threads, a.seed, rate, wall, val_step,
                                        val_bpc))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch twins of the fixture networks in tests/TensorForge.EndToEnd.Tests/Networks/PyTorchFixtureNetworks.cs.

Two directions, one command each (run from the repository root, with PyTorch installed, e.g. Debian's python3-torch):

  python3 tests/Fixtures/pytorch/make_fixtures.py make
      For every fixture: builds the twin, seeds it, moves every parameter off its default (and, for batch norm, runs
      a few training-mode batches so that the running statistics and the int64 num_batches_tracked are not the
      defaults), then writes
        <name>.safetensors  the twin's state_dict, with __metadata__, as safetensors.torch.save_file writes it
        <name>.json         a fixed input and the twin's eval-mode output for it
      PyTorchFixtureTests in tests/TensorForge.EndToEnd.Tests loads each file into the generated network and checks Forward.

  python3 tests/Fixtures/pytorch/make_fixtures.py check
      For every fixture: reads <name>.tensorforge.safetensors (written by the generated network's Save, committed by
      the C# test run with TENSORFORGE_UPDATE_FIXTURES=1), loads it into the twin with load_state_dict(strict=True),
      compares the twin's output with the generated network's output in <name>.tensorforge.json (|Δ| ≤ 1e-5·max(1, |y|),
      as the C# test compares), and writes the loaded state_dict again with this script's writer to compare the bytes
      with the C# file. Prints one line per fixture and "N passed, N failed"; exits 1 on a failure.

The `safetensors` Python package is not packaged by Debian (bookworm), so save_file/load_file below implement the
format as the reference implementation (huggingface/safetensors, safetensors.torch.save_file) writes it: an 8-byte
little-endian header length, a compact JSON header (`__metadata__` first, then the tensors sorted by descending dtype
size and then by name, with contiguous data_offsets), padded with spaces to a multiple of 8 bytes, then each tensor's
raw little-endian bytes. The tensor names, dtypes, shapes and bytes are PyTorch's: the state_dict's own tensors.
"""

import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-5
DTYPES = {torch.float32: ("F32", 4), torch.int64: ("I64", 8)}
NUMPY_DTYPES = {"F32": "<f4", "I64": "<i8"}


# ---------------------------------------------------------------------------------------------------- safetensors I/O

def save_file(tensors, path, metadata):
    """safetensors.torch.save_file(tensors, path, metadata): F32 and I64 tensors."""
    ordered = sorted(tensors.items(), key=lambda item: (-DTYPES[item[1].dtype][1], item[0]))
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, tensor in ordered:
        data = tensor.detach().contiguous().cpu().numpy().astype(NUMPY_DTYPES[DTYPES[tensor.dtype][0]]).tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype][0], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    content = struct.pack("<Q", len(text)) + text + b"".join(blobs)
    with open(path, "wb") as file:
        file.write(content)
    return content


def load_file(path):
    """safetensors.torch.load_file(path) for F32 and I64 tensors; also returns the metadata."""
    import numpy
    with open(path, "rb") as file:
        content = file.read()
    (length,) = struct.unpack("<Q", content[:8])
    header = json.loads(content[8:8 + length])
    metadata = header.pop("__metadata__", None)
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = numpy.frombuffer(content[base + begin:base + end], dtype=NUMPY_DTYPES[entry["dtype"]])
        tensors[name] = torch.from_numpy(array.copy()).reshape(entry["shape"])
    return tensors, metadata, content


# ---------------------------------------------------------------------------------------------------- the twins
# Each twin's state_dict names are the generated network's tensor names ({layer Name}.{PyTorch tensor name}).

def causal_mask(steps):
    return torch.triu(torch.full((steps, steps), float("-inf")), diagonal=1)


class DenseTwin(nn.Module):
    """Dense (bias and none), fused and standalone activations, Dropout, Reparameterize, Softmax."""
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, 8)
        self.fc3 = nn.Linear(8, 6, bias=False)

    def forward(self, x):
        x = torch.relu(self.fc1(x))                                  # Dense(8, ReLU); Dropout(0.3) is the identity in eval
        x = torch.tanh(nn.functional.gelu(self.fc2(x)))              # Dense(8, Gelu), Tanh
        x = nn.functional.leaky_relu(x, 0.2)                         # LeakyReLU(0.2)
        x = self.fc3(x)                                              # Dense(6, Bias = false)
        x = x[:, :3]                                                 # Reparameterize: μ in inference
        return torch.softmax(x, dim=-1)


class Conv2DTwin(nn.Module):
    """Conv2D with bias and without, groups (2 and depthwise), stride, padding, dilation, a rectangular kernel; Add, Concat,
    From, MaxPool2D, AvgPool2D."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, groups=2, bias=False)
        self.dw = nn.Conv2d(4, 4, 3, stride=2, padding=2, dilation=2, groups=4)
        self.skip = nn.Conv2d(4, 4, 1, stride=2)
        self.rect = nn.Conv2d(8, 4, (2, 3), padding=1)
        self.fc = nn.Linear(4 * 3 * 2, 3)

    def forward(self, x):
        c1 = torch.relu(self.conv1(x))
        res = self.conv2(c1) + c1                                    # Add("conv1")
        dw = self.dw(res)
        skip = self.skip(res)                                        # From = "res"
        x = torch.cat([skip, dw], dim=1)                             # Concat("dw"): previous first
        x = self.rect(x)
        x = nn.functional.avg_pool2d(nn.functional.max_pool2d(x, 2, stride=1), 2, stride=1)
        return self.fc(torch.flatten(x, 1))


class ConvTranspose2DTwin(nn.Module):
    """ConvTranspose2D with stride, padding, output padding, groups, dilation, bias and none; Unflatten, Upsample."""
    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1)
        self.up2 = nn.ConvTranspose2d(4, 2, 3, groups=2, dilation=2, bias=False)

    def forward(self, x):
        x = x.reshape(-1, 3, 2, 2)                                   # Unflatten(3, 2, 2)
        x = torch.relu(self.up1(x))
        x = nn.functional.interpolate(x, scale_factor=2, mode="nearest")
        return torch.sigmoid(self.up2(x))


class BatchNormTwin(nn.Module):
    """BatchNorm2d (affine, fused ReLU; not affine, other ε), BatchNorm1d, GlobalAvgPool."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.bn2 = nn.BatchNorm2d(4, eps=1e-3, affine=False)
        self.fc = nn.Linear(4, 6)
        self.bn3 = nn.BatchNorm1d(6)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        x = self.bn2(torch.relu(self.bn1(self.conv(x))))
        x = x.mean(dim=(2, 3))                                       # GlobalAvgPool
        return self.head(self.bn3(self.fc(x)))


class LayerNormTwin(nn.Module):
    """LayerNorm (affine; not affine with ε 1e-3) on a sequence, Dense on every time step, MeanOverTime."""
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(6)
        self.fc = nn.Linear(6, 5)
        self.norm2 = nn.LayerNorm(5, eps=1e-3, elementwise_affine=False)
        self.head = nn.Linear(5, 3)

    def forward(self, x):
        x = self.norm2(self.fc(self.norm(x)))
        return self.head(x.mean(dim=1))


class EmbeddingTwin(nn.Module):
    """Embedding over token ids, PositionalEncoding (no tensors), LastStep."""
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(11, 4)
        self.fc = nn.Linear(4, 3)

    def forward(self, tokens):
        x = self.embed(tokens)
        steps, width = x.shape[1], x.shape[2]
        table = torch.zeros(steps, width, dtype=torch.float64)
        for t in range(steps):
            for j in range(width):
                angle = t * math.exp(-math.log(10000.0) * (j // 2 * 2) / width)
                table[t, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
        x = x + table.float()
        return self.fc(x[:, -1, :])


class RnnTwin(nn.Module):
    """nn.RNN stacked and bidirectional with ReLU; one without bias returning the last step."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True, nonlinearity="relu", batch_first=True)
        self.rnn2 = nn.RNN(8, 3, bias=False, batch_first=True)
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        x, _ = self.rnn(x)
        x, _ = self.rnn2(x)
        return self.fc(x[:, -1, :])


class LstmTwin(nn.Module):
    """nn.LSTM stacked and bidirectional; a bidirectional one returning the last step."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        self.lstm2 = nn.LSTM(8, 3, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        x, _ = self.lstm(x)
        x, _ = self.lstm2(x)
        return self.fc(x[:, -1, :])


class GruTwin(nn.Module):
    """nn.GRU stacked and bidirectional; one stacked without bias returning the last step."""
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        self.gru2 = nn.GRU(8, 3, num_layers=2, bias=False, batch_first=True)
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        x, _ = self.gru(x)
        x, _ = self.gru2(x)
        return self.fc(x[:, -1, :])


class MultiHeadAttentionTwin(nn.Module):
    """nn.MultiheadAttention (batch_first self-attention), plain and causal."""
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.causal = nn.MultiheadAttention(8, 4, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x, _ = self.attn(x, x, x, need_weights=False)
        x, _ = self.causal(x, x, x, attn_mask=causal_mask(x.shape[1]), need_weights=False)
        return self.fc(x.mean(dim=1))


class TransformerTwin(nn.Module):
    """nn.TransformerEncoderLayer post-norm with ReLU, and pre-norm with GELU, causal and another ε."""
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True),
            nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation="gelu", norm_first=True,
                                       layer_norm_eps=1e-4, batch_first=True)])
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        x = self.layers[0](x)
        x = self.layers[1](x, src_mask=causal_mask(x.shape[1]))
        return self.head(x[:, -1, :])


class AdditiveAttention(nn.Module):
    """docs/generated-code.md's twin of [AdditiveAttention]."""
    def __init__(self, features, attention_size):
        super().__init__()
        self.proj = nn.Linear(features, attention_size)
        self.v = nn.Linear(attention_size, 1, bias=False)

    def forward(self, x):
        alpha = torch.softmax(self.v(torch.tanh(self.proj(x))).squeeze(-1), dim=1)
        return (alpha.unsqueeze(-1) * x).sum(dim=1)


class AdditiveAttentionTwin(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 6)
        self.pool = AdditiveAttention(6, 3)
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        return self.fc(self.pool(torch.tanh(self.inp(x))))


class BasicBlock(nn.Module):
    """torchvision's BasicBlock with a projection: the names a [Use] of a [Block] gets (layer1.0.conv1.weight, …)."""
    def __init__(self, channels_in, channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(channels_in, channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.downsample = nn.Sequential(nn.Conv2d(channels_in, channels, 1, stride=stride, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + self.downsample(x))


class BlockTwin(nn.Module):
    """Blocks: two uses of one block class with different widths and strides, nested module names."""
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(BasicBlock(2, 3, 2))
        self.layer2 = nn.Sequential(BasicBlock(3, 4, 1))
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(self.layer2(self.layer1(x)).mean(dim=(2, 3)))


# name, twin, per-sample input shape, token vocabulary (None for float input), training batches for running statistics
FIXTURES = [
    ("dense", DenseTwin, (6,), None, 0),
    ("conv2d", Conv2DTwin, (2, 8, 8), None, 0),
    ("convtranspose2d", ConvTranspose2DTwin, (12,), None, 0),
    ("batchnorm", BatchNormTwin, (3, 5, 5), None, 3),
    ("layernorm", LayerNormTwin, (4, 6), None, 0),
    ("embedding", EmbeddingTwin, (5,), 11, 0),
    ("rnn", RnnTwin, (5, 3), None, 0),
    ("lstm", LstmTwin, (5, 3), None, 0),
    ("gru", GruTwin, (5, 3), None, 0),
    ("multiheadattention", MultiHeadAttentionTwin, (5, 8), None, 0),
    ("transformer", TransformerTwin, (5, 8), None, 0),
    ("additiveattention", AdditiveAttentionTwin, (5, 4), None, 0),
    ("block", BlockTwin, (2, 6, 6), None, 2),
]
BATCH = 2


def fixed_input(index, shape, vocabulary):
    generator = torch.Generator().manual_seed(1000 + index)
    if vocabulary is not None:
        return torch.randint(0, vocabulary, (BATCH,) + shape, generator=generator)
    return torch.randn((BATCH,) + shape, generator=generator) * 1.5


def forward_record(name, x, y):
    return {"fixture": name, "torch": torch.__version__,
            "input_shape": list(x.shape), "input": [v.item() for v in x.flatten()],
            "output_shape": list(y.shape), "output": [float(v) for v in y.flatten()]}


def write_record(path, record):
    with open(path, "w") as file:
        file.write("{\n" + ",\n".join(f" {json.dumps(key)}: {json.dumps(value)}" for key, value in record.items()) + "\n}\n")


def make():
    torch.set_num_threads(1)
    for index, (name, twin_type, shape, vocabulary, training_batches) in enumerate(FIXTURES):
        torch.manual_seed(index)
        twin = twin_type()
        with torch.no_grad():
            for parameter in twin.parameters():                       # off PyTorch's defaults (LayerNorm's 1 and 0 too)
                parameter.add_(0.2 * torch.randn_like(parameter))
        twin.train()
        with torch.no_grad():
            for step in range(training_batches):                      # running statistics and num_batches_tracked
                twin(torch.randn((4,) + shape) * 1.5 + 0.3)
        twin.eval()
        x = fixed_input(index, shape, vocabulary)
        with torch.no_grad():
            y = twin(x)
        metadata = {"format": "pt", "producer": f"torch {torch.__version__}, tests/Fixtures/pytorch/make_fixtures.py",
                    "fixture": name}
        content = save_file(twin.state_dict(), os.path.join(HERE, name + ".safetensors"), metadata)
        write_record(os.path.join(HERE, name + ".json"), forward_record(name, x, y))
        print(f"{name:20} {len(twin.state_dict()):3} tensors {len(content):6} bytes  output {list(y.shape)}")


def check():
    torch.set_num_threads(1)
    failures = 0
    for index, (name, twin_type, shape, vocabulary, _) in enumerate(FIXTURES):
        path = os.path.join(HERE, name + ".tensorforge.safetensors")
        tensors, metadata, content = load_file(path)
        twin = twin_type()
        twin.load_state_dict(tensors, strict=True)                    # raises on a missing, extra or misshapen tensor
        twin.eval()
        with open(os.path.join(HERE, name + ".tensorforge.json")) as file:
            record = json.load(file)
        x = torch.tensor(record["input"], dtype=torch.int64 if vocabulary is not None else torch.float32)
        x = x.reshape(record["input_shape"])
        with torch.no_grad():
            y = twin(x).flatten()
        expected = torch.tensor(record["output"], dtype=torch.float32)
        difference = ((y - expected).abs() / expected.abs().clamp(min=1.0)).max().item()
        rewritten = save_file(twin.state_dict(), os.devnull, metadata)
        same_bytes = rewritten == content
        counts = {k: int(v) for k, v in twin.state_dict().items() if k.endswith("num_batches_tracked")}
        ok = difference <= TOLERANCE and same_bytes
        failures += not ok
        print(f"{name:20} strict load OK, {len(tensors):3} tensors, forward max |Δ|/max(1, |y|) {difference:.1e}, "
              f"same bytes when written again: {same_bytes}{'  num_batches_tracked ' + str(counts) if counts else ''}"
              f"  {'PASS' if ok else 'FAIL'}")
    print(f"{len(FIXTURES) - failures} passed, {failures} failed")
    return failures


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("make", "check"):
        sys.exit(__doc__)
    sys.exit(make() if sys.argv[1] == "make" else (1 if check() else 0))

"""Hand-written NumPy training steps: the baseline that dlkit, built on NumPy, aims at.

No framework, no autograd, no graph: every forward, backward and SGD update is written
out with float32 arrays and matrix products, the way a course would do it on paper. A
framework on top of NumPy cannot beat this by much; the benchmark table shows how close
each one gets (the ``numpy`` column).

* ``MLP``: dense layers with ReLU, softmax cross-entropy, SGD; used for the MLP step and
  the ``fit``-equivalent loop (batches sliced from a dataset, accuracy counted).
* ``LeNet``: convolution as one matrix product per layer over an im2col copy made from
  strided views (``sliding_window_view``), 2x2 max pooling through a reshape, then the
  dense layers of ``MLP``.

Gradients follow Gluon's ``SoftmaxCrossEntropyLoss`` + ``Trainer.step(batch_size)``: the
loss gradient is ``(softmax - one_hot) / batch_size``.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _uniform(rng, shape, fan_in, fan_out):
    """Xavier-uniform weights, as ``mx.init.Xavier()`` draws them."""
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def softmax_cross_entropy_grad(logits, labels):
    """Mean loss and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)   # stable exp
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = -np.log(probs[rows, labels] + 1e-12).mean()
    probs[rows, labels] -= 1.0
    probs /= len(labels)
    return loss, probs


class MLP:
    """Dense layers ``sizes[0] -> ... -> sizes[-1]``, ReLU between them."""

    def __init__(self, sizes, lr=0.1, seed=0):
        rng = np.random.default_rng(seed)
        self.lr = lr
        self.weights = [_uniform(rng, (n_in, n_out), n_in, n_out)
                        for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n_out, np.float32) for n_out in sizes[1:]]

    def forward(self, X):
        """Logits and the activations that backward needs (input of each layer)."""
        activations = [X]
        h = X
        last = len(self.weights) - 1
        for index, (W, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ W
            h += b
            if index < last:
                np.maximum(h, 0, out=h)   # ReLU in place
            activations.append(h)
        return h, activations

    def backward(self, grad, activations, need_input_grad=False):
        """Update every layer with SGD; return the gradient of the input if asked."""
        for index in range(len(self.weights) - 1, -1, -1):
            W, h_in = self.weights[index], activations[index]
            grad_W = h_in.T @ grad
            grad_b = grad.sum(axis=0)
            if index > 0 or need_input_grad:
                grad = grad @ W.T
                if index > 0:
                    grad *= activations[index] > 0    # ReLU passes where it was positive
            W -= self.lr * grad_W
            self.biases[index] -= self.lr * grad_b
        return grad

    def step(self, X, y):
        """One training step; returns the logits (for accuracy)."""
        logits, activations = self.forward(X)
        _, grad = softmax_cross_entropy_grad(logits, y)
        self.backward(grad, activations)
        return logits


def fit_epoch(sizes, X, y, batch_size, lr=0.1):
    """What ``Module.fit`` does for one epoch: initialize, then slice batches, train and
    count accuracy. Returns the accuracy."""
    net = MLP(sizes, lr=lr)
    correct = 0
    for start in range(0, len(X) - batch_size + 1, batch_size):
        X_batch = X[start:start + batch_size]
        y_batch = y[start:start + batch_size]
        logits = net.step(X_batch, y_batch)
        correct += int((logits.argmax(axis=1) == y_batch).sum())
    return correct / len(X)


# ----------------------------------------------------------------------------------------
# LeNet.
# ----------------------------------------------------------------------------------------
def conv_forward(x, W, b):
    """``x`` (N, C, H, W) with filters ``W`` (F, C, k, k), stride 1, no padding.

    im2col: one row per output pixel holding the k*k*C inputs under the filter, taken
    from a strided view and copied once, so the whole layer is one matrix product.
    """
    N, C, H, _ = x.shape
    F, _, k, _ = W.shape
    windows = sliding_window_view(x, (k, k), axis=(2, 3))    # N, C, OH, OW, k, k (view)
    OH, OW = windows.shape[2], windows.shape[3]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * k * k)
    out = cols @ W.reshape(F, -1).T
    out += b
    return out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2), cols


def conv_backward(grad_out, x_shape, W, cols, need_input_grad):
    """Gradients of the filters, the bias and (if asked) the input."""
    N, C, H, Wd = x_shape
    F, _, k, _ = W.shape
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    grad_rows = grad_out.transpose(0, 2, 3, 1).reshape(-1, F)
    grad_W = (grad_rows.T @ cols).reshape(W.shape)
    grad_b = grad_rows.sum(axis=0)
    if not need_input_grad:
        return grad_W, grad_b, None
    grad_cols = (grad_rows @ W.reshape(F, -1)).reshape(N, OH, OW, C, k, k)
    grad_x = np.zeros(x_shape, np.float32)
    for i in range(k):           # col2im: each filter tap adds back to a shifted window
        for j in range(k):
            grad_x[:, :, i:i + OH, j:j + OW] += grad_cols[:, :, :, :, i, j].transpose(
                0, 3, 1, 2)
    return grad_W, grad_b, grad_x


def pool_forward(x):
    """2x2 max pooling, stride 2, through a (N, C, H/2, 2, W/2, 2) view."""
    N, C, H, W = x.shape
    blocks = x.reshape(N, C, H // 2, 2, W // 2, 2)
    return blocks.max(axis=(3, 5)), blocks


def pool_backward(grad_out, blocks, out):
    """The gradient goes to the position of each block's maximum."""
    mask = blocks == out[:, :, :, None, :, None]
    grad = mask * grad_out[:, :, :, None, :, None]
    N, C, H2, _, W2, _ = blocks.shape
    return grad.reshape(N, C, H2 * 2, W2 * 2)


class LeNet:
    """conv 20 5x5, relu, pool 2, conv 50 5x5, relu, pool 2, dense 500 relu, dense 10."""

    def __init__(self, channels=(1, 20, 50), kernel=5, image=28, hidden=500, classes=10,
                 lr=0.1, seed=0):
        rng = np.random.default_rng(seed)
        self.lr = lr
        self.filters, self.filter_biases = [], []
        for c_in, c_out in zip(channels[:-1], channels[1:]):
            self.filters.append(_uniform(rng, (c_out, c_in, kernel, kernel),
                                         c_in * kernel * kernel, c_out * kernel * kernel))
            self.filter_biases.append(np.zeros(c_out, np.float32))
        side = image
        for _ in channels[1:]:
            side = (side - kernel + 1) // 2
        self.dense = MLP([channels[-1] * side * side, hidden, classes], lr=lr, seed=seed)

    def step(self, X, y):
        saved = []
        h = X
        for W, b in zip(self.filters, self.filter_biases):
            conv, cols = conv_forward(h, W, b)
            np.maximum(conv, 0, out=conv)
            pooled, blocks = pool_forward(conv)
            saved.append((h.shape, cols, conv, blocks, pooled))
            h = pooled
        flat = h.reshape(len(X), -1)
        logits, activations = self.dense.forward(flat)
        _, grad = softmax_cross_entropy_grad(logits, y)
        grad = self.dense.backward(grad, activations, need_input_grad=True)
        grad = grad.reshape(h.shape)
        for index in range(len(self.filters) - 1, -1, -1):
            x_shape, cols, conv, blocks, pooled = saved[index]
            grad = pool_backward(grad, blocks, pooled)
            grad *= conv > 0
            grad_W, grad_b, grad = conv_backward(grad, x_shape, self.filters[index], cols,
                                                 need_input_grad=index > 0)
            self.filters[index] -= self.lr * grad_W
            self.filter_biases[index] -= self.lr * grad_b
        return logits

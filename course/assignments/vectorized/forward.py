"""Forward functions of assignment 06 (gradients of matrix products) and shape bookkeeping.

Two layouts of a batch: in the column layout a layer computes D = W X, with one example per
column of X; in the row layout it computes D = X W, with one example per row of X. Only forward
passes live here; every gradient the course shows is a centered difference (course.numgrad).
"""


def matmul(W, X):
    """D = W X. W: shape (m, n); X: shape (n, p), one example per column. Returns D, (m, p)."""
    return W @ X


def matmul_rows(X, W):
    """D = X W. X: shape (p, n), one example per row; W: shape (n, m). Returns D, (p, m)."""
    return X @ W


def affine(X, W, b):
    """D = X W + b, the bias added to every row. X: (p, n); W: (n, m); b: (m,). Returns (p, m)."""
    return X @ W + b


def product_shape(left, right):
    """The shape of left @ right for two matrix shapes (rows, columns), or None when the inner
    sizes differ and the product is not defined."""
    if left[1] != right[0]:
        return None
    return (left[0], right[1])


def shape_text(shape):
    """A shape as the pictures write it: (5, 3) -> '5×3'."""
    return "×".join(str(size) for size in shape)


def candidates(first, second):
    """Every product of two matrices, either one transposed, in either order.

    first, second: (name, shape) pairs, name a string like "dD", shape (rows, columns).
    Returns a list of 8 (expression, shape or None) pairs, the expression written as numpy code
    ("dD @ X.T"); None marks a product whose inner sizes differ.
    """
    def plain_and_transposed(name, shape):
        return [(name, shape), (name + ".T", shape[::-1])]

    products = []
    for a in plain_and_transposed(*first):
        for b in plain_and_transposed(*second):
            for left, right in ((a, b), (b, a)):
                products.append((f"{left[0]} @ {right[0]}", product_shape(left[1], right[1])))
    return products

"""What the explorer of assignment 13 (softmax_cross_entropy) must show, worked out from the maths
on its own, never by calling the explorer's code (see tests/browser/explorer_maths.py)."""
import math

from support.maths import shown


def softmax_explorer(values):
    """The probabilities e^(z/T) / sum e^(z/T), the loss -log p_label, and the fused gradient
    (p - onehot(label)) / T on the logits (the logits are divided by T before the softmax)."""
    *z, T = shown(values, "z0", "z1", "z2", "temperature T")
    label = int(values["label"])
    exps = [math.exp(v / T) for v in z]
    p = [e / sum(exps) for e in exps]
    numbers = {f"p{k}": pk for k, pk in enumerate(p)}
    numbers["loss"] = -math.log(p[label])
    numbers.update({f"dL/dz{k}": (pk - (k == label)) / T for k, pk in enumerate(p)})
    return numbers


EXPLORERS = [softmax_explorer]
# explorer index -> (menu label, options to choose in turn)
MENUS = {0: ("label", ["2", "1"])}

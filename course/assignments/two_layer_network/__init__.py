"""Assignment 08, the two-layer network: the worked two-layer tanh network, its backward pass
and a gradient step, then training by gradient descent and minibatch SGD."""

"""Assignment 10, input gradients: why training uses weight gradients only; the input gradient
of a trained 2-D tanh network, adversarial steps, a unit's favourite input, embeddings."""

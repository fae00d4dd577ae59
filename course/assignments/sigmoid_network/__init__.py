"""Assignment 09, the sigmoid network: the one-hidden-layer sigmoid network in z/a notation,
its gradients on W1, b1, W2, b2, and the sign of dJ/dyhat."""

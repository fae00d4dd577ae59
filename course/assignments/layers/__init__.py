"""Assignment 07, layers: layers as modules with forward, backward and cache, and an L-layer
network made of them."""

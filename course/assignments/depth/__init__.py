"""Assignment 18, depth: why deep stacks are hard to train (gradients that vanish or explode layer
by layer), Xavier's and He's initialisations, and the residual block's skip."""

"""Assignment 13, softmax_cross_entropy: softmax, cross-entropy and the logistic loss on a batch of
logits in rows; stable forward passes (the log-sum-exp shift) and the fused backward (p - y) / N."""

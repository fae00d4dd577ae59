"""Assignment 11, convolution and pooling: backward passes of same-length 1-D convolution and
1-D max pooling, with padding, ties and overlaps at the boundaries."""

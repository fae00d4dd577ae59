"""Assignment 15, autograd: TODO say what students do."""

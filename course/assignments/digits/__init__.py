"""Assignment 17, digits: a network trained on 1,797 real handwritten digits, with the backward
passes in rows the students write and the habits of a careful training run."""

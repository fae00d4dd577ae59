"""Assignment 16, normalisation: batch normalisation (training mode, a batch in rows) backward twice,
staged through its graph and by the closed form derived on paper; layer normalisation as the
variation."""

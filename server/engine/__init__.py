"""Pure NumPy engine: activations, losses and the multilayer perceptron. Imports nothing web."""

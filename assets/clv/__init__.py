"""Customer lifetime value: BG/NBD and Pareto/NBD purchase models, Gamma-Gamma spend model."""
